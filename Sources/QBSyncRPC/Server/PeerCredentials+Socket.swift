import NIOCore

#if canImport(Glibc)
import Glibc
#endif

extension PeerCredentials {
    /// Layout of Linux's `struct ucred`, which Swift's Glibc does not export.
    private struct UCred: Sendable {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// Room for the peer's supplementary groups (Linux allows 65,536; a
    /// peer in more than 256 is judged by its uid and primary gid alone).
    private struct GroupList: Sendable {
        var gids: (
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
        ) = (
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        )

        /// The gids the kernel wrote. It writes them sorted ascending and NIO
        /// zero-fills the rest, so zeros after a non-zero gid are padding; a
        /// list of only zeros is read as empty (group 0 is never granted
        /// through a supplementary list alone).
        var values: [UInt32] {
            withUnsafeBytes(of: self.gids) { raw in
                let all = Array(raw.bindMemory(to: UInt32.self))
                guard let last = all.lastIndex(where: { $0 != 0 }) else { return [] }
                return Array(all[...last])
            }
        }
    }

    /// Reads SO_PEERCRED of a connected Unix socket channel, and the peer's
    /// supplementary groups from SO_PEERGROUPS (Linux 4.13+).
    static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials?> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(nil)
        }
        let peerCredentialsOption: SocketOptionName = 17  // SO_PEERCRED
        let peerGroupsOption: SocketOptionName = 59  // SO_PEERGROUPS
        let credentials: EventLoopFuture<UCred> = provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: peerCredentialsOption)
        return credentials.flatMap { ucred in
            let groups: EventLoopFuture<GroupList> = provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: peerGroupsOption)
            return groups.map(\.values).recover { _ in [] }.map { supplementary in
                PeerCredentials(pid: ucred.pid, uid: ucred.uid, gid: ucred.gid, supplementaryGIDs: supplementary)
            }
        }.map { Optional($0) }.recover { _ in nil }
        #else
        return channel.eventLoop.makeSucceededFuture(nil)
        #endif
    }
}
