#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The socket file on disk: stale-file replacement, permissions, removal.
enum SocketFile {
    /// Makes `path` free for bind: removes a stale socket left by a crashed
    /// server; refuses when a live server answers there or the path is not a socket.
    static func prepare(_ path: String) throws(RPCServerError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }  // Nothing there.
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw RPCServerError("\(path) exists and is not a socket; refusing to replace it")
        }
        if Self.isLive(path) {
            throw RPCServerError("another server is listening on \(path); refusing to take it over")
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw RPCServerError("cannot remove stale socket \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// True when something accepts connections on the socket at `path`.
    static func isLive(_ path: String) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }

    static func identity(_ path: String) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Removes the socket file if it is still the one this server bound.
    static func remove(_ path: String, ifIdentity identity: (device: UInt64, inode: UInt64)?) {
        guard let identity, let current = Self.identity(path), current == identity else { return }
        unlink(path)
    }
}

/// The server could not start or run.
public struct RPCServerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { self.message }
}
