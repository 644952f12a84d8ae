import Foundation
import NIOCore
import QBSyncWire

#if canImport(Glibc)
import Glibc
#endif

/// A Unix-socket peer speaking raw bytes, for feeding the server exactly
/// the malformed or hostile input a test needs.
public final class RawPeer {
    private let fd: Int32
    private var inbound = ByteBuffer()
    /// Frames read while waiting for a pong, handed out by the next reads.
    private var pending: [Envelope.Frame] = []

    /// Connects to the socket at `path`.
    ///
    /// - Throws: `POSIXError(.ECONNREFUSED)` when nothing accepts there.
    public init(path: String) throws {
        self.fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(self.fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(self.fd) }

    /// The socket's file descriptor (to shrink its receive buffer, say).
    public var fileDescriptor: Int32 { self.fd }

    public func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.send(self.fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if written <= 0 { return }
                offset += written
            }
        }
    }

    public func send(_ frame: Envelope.Frame) {
        var buffer = ByteBuffer()
        buffer.writeFrame(frame)
        self.send(Array(buffer.readableBytesView))
    }

    public func sendHello(version: UInt32 = WireProtocol.version) {
        self.send(Envelope.Frame(streamID: 0, kind: .hello(Envelope.Hello(protocolVersion: version))))
    }

    /// Sends what the socket takes now without waiting.
    ///
    /// - Returns: Bytes sent (0 when the socket buffer is full).
    @discardableResult
    public func trySend(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { raw in
            max(0, Glibc.send(self.fd, raw.baseAddress!, raw.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)))
        }
    }

    /// Shrinks the kernel's receive buffer, so a peer that never reads fills it quickly.
    public func setReceiveBufferSize(_ bytes: Int32) {
        var value = bytes
        setsockopt(self.fd, SOL_SOCKET, SO_RCVBUF, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Waits, reading nothing, until the server hangs up (true) or `timeout` passes.
    public func waitForHangUp(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        let hangUp = Int16(0x2000) | Int16(POLLHUP) | Int16(POLLERR)  // POLLRDHUP: the peer closed its end
        while ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: self.fd, events: hangUp, revents: 0)
            if poll(&descriptor, 1, 0) > 0, descriptor.revents & hangUp != 0 { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Reads and discards whatever arrives until EOF or `timeout`; returns
    /// every frame that arrived (frames split across reads are reassembled).
    public func drainUntilClosed(timeout: Duration = .seconds(30)) async throws -> (frames: [Envelope.Frame], closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var frames = self.pending
        self.pending.removeAll()
        while ContinuousClock.now < deadline {
            while let frame = try FrameDecoder.nextFrame(from: &self.inbound, maxFrameSize: 64 << 20) { frames.append(frame) }
            guard await self.readable(until: deadline) else { break }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = recv(self.fd, &chunk, chunk.count, Int32(MSG_DONTWAIT))
            if count == 0 { return (frames, true) }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                return (frames, true)  // reset: a server closing with our bytes unread sends RST
            }
            self.inbound.writeBytes(chunk[0..<count])
        }
        return (frames, false)
    }

    /// Connects and completes the handshake.
    ///
    /// - Parameter path: The server's socket.
    /// - Returns: A peer past the Hello exchange.
    public static func helloed(path: String) async throws -> RawPeer {
        let peer = try RawPeer(path: path)
        peer.sendHello()
        guard case .hello? = try await peer.readFrame()?.kind else {
            throw RPCError(code: .internal, message: "the server did not answer the Hello")
        }
        return peer
    }

    /// Opens a call and sends its request message.
    ///
    /// - Parameters:
    ///   - streamID: The call's stream id (above every earlier one).
    ///   - method: The method path.
    ///   - request: The encoded request message.
    ///   - metadata: Call metadata.
    public func call(streamID: UInt32, method: String, request: [UInt8], metadata: [Envelope.MetadataEntry] = []) {
        self.send(Envelope.Frame(streamID: streamID, kind: .open(Envelope.OpenCall(method: method, metadata: metadata))))
        self.send(Envelope.Frame(streamID: streamID, kind: .message(Envelope.Message(payload: request, endOfStream: true))))
    }

    /// Sends a ping and waits for its pong. The server reads a connection's
    /// frames in order, so once the pong is back it has acted on every frame
    /// sent before the ping. Frames that arrive first are kept for the next reads.
    ///
    /// - Throws: `RPCError(.deadlineExceeded)` when no pong comes within `timeout`.
    public func roundTrip(timeout: Duration = .seconds(10)) async throws {
        let opaque = UInt64.random(in: 1...UInt64.max)
        self.send(Envelope.Frame(streamID: 0, kind: .ping(Envelope.Ping(opaque: opaque))))
        var before: [Envelope.Frame] = []
        while let frame = try await self.readFrame(timeout: timeout) {
            if case .pong(let pong) = frame.kind, pong.opaque == opaque {
                self.pending = before + self.pending
                return
            }
            before.append(frame)
        }
        self.pending = before + self.pending
        throw RPCError(code: .deadlineExceeded, message: "no pong within \(timeout)")
    }

    /// Half-closes the write side (EOF for the server).
    public func shutdownWrite() {
        shutdown(self.fd, Int32(SHUT_WR))
    }

    // Reads never block a thread: the tests share Swift's small cooperative
    // pool with the server under test, so they poll and sleep instead.

    /// Waits until the socket is readable, or `deadline` passes.
    private func readable(until deadline: ContinuousClock.Instant) async -> Bool {
        while ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 0) > 0 { return true }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return false
    }

    /// The next frame, or nil at EOF or after `timeout`.
    public func readFrame(timeout: Duration = .seconds(10)) async throws -> Envelope.Frame? {
        if !self.pending.isEmpty { return self.pending.removeFirst() }
        let deadline = ContinuousClock.now + timeout
        while true {
            if let frame = try FrameDecoder.nextFrame(from: &self.inbound, maxFrameSize: 64 << 20) { return frame }
            guard await self.readable(until: deadline) else { return nil }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = recv(self.fd, &chunk, chunk.count, Int32(MSG_DONTWAIT))
            guard count > 0 else { return nil }
            self.inbound.writeBytes(chunk[0..<count])
        }
    }

    /// True when the server closed the connection (EOF within `timeout`).
    public func isClosedByServer(timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while await self.readable(until: deadline) {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = recv(self.fd, &chunk, chunk.count, Int32(MSG_DONTWAIT))
            if count <= 0 { return true }
        }
        return false
    }

    /// Reads frames until one on `streamID` that is a status or goaway.
    public func readUntilEnd(of streamID: UInt32, timeout: Duration = .seconds(10)) async throws -> Envelope.Frame? {
        while let frame = try await self.readFrame(timeout: timeout) {
            switch frame.kind {
            case .status where frame.streamID == streamID, .goaway: return frame
            default: continue
            }
        }
        return nil
    }
}
