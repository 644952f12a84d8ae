#if canImport(Glibc)
import Glibc
#endif

/// The process's file-descriptor limit, and how many connections it leaves room for.
///
/// Each connection holds one descriptor. With the usual soft limit of 1,024
/// and the default of 1,024 connections, accept(2) starts failing with
/// EMFILE before the connection limit is reached, and newcomers hang instead
/// of hearing GoAway(TOO_MANY_CONNECTIONS). So the server raises the soft
/// limit to the hard limit at start and serves at most what is left after
/// the descriptors already open and a reserve for the store, libcurl and the
/// one extra accept that answers a refused peer.
enum FileDescriptorLimit {
    /// Descriptors kept free beyond those open at start: SQLite's readers, WAL
    /// and checkpointer, libcurl's connections to QuickBooks, accepting a
    /// connection only to refuse it.
    static let reserve = 64

    /// Raises the soft limit to the hard one.
    ///
    /// - Returns: The soft limit now in force (nil when it cannot be read).
    static func raiseSoftLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(RLIMIT_NOFILE_VALUE, &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur == rlim_t.max ? Int.max : Int(clamping: limit.rlim_cur)
    }

    /// Descriptors open in this process now (entries of /proc/self/fd).
    static func openCount() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        // glibc packs entries by d_reclen: copying the fixed-size d_name
        // tuple could read past the buffer's end. Read the name in place, up to its NUL.
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(directory) {
            let name = String(cString: UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self))
            if name != "." && name != ".." { count += 1 }
        }
        return max(0, count - 1)  // opendir's own descriptor
    }

    /// The connections the server can serve: `requested`, or fewer when the
    /// descriptor limit leaves less room.
    ///
    /// - Parameter requested: The configured maximum.
    /// - Returns: The maximum to enforce, and the soft limit it was computed from.
    static func connectionCapacity(requested: Int) -> (connections: Int, softLimit: Int?) {
        guard let soft = self.raiseSoftLimit(), soft != Int.max else { return (requested, nil) }
        let room = soft - self.openCount() - self.reserve
        return (max(1, min(requested, room)), soft)
    }
}

#if canImport(Glibc)
private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#endif
