import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (or a Unix socket) whose every answer is
/// scripted by the test: normal responses, but also the hostile ones a real
/// server or proxy can produce (huge or endless bodies, silence, resets).
///
/// Each connection is served by its own thread; requests on a connection are
/// served in order, so keep-alive reuse is observable through
/// ``connectionsAccepted``.
final class ScriptedHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var target: String
        var headers: [String: String]
        var body: Data

        var path: String { String(target.prefix { $0 != "?" }) }
        var queryItems: [String: String] {
            guard let components = URLComponents(string: "http://x\(target)") else { return [:] }
            var items: [String: String] = [:]
            for item in components.queryItems ?? [] { items[item.name] = item.value ?? "" }
            return items
        }
    }

    enum Action: Sendable {
        /// A complete response; the connection stays open.
        case respond(status: Int, headers: [String: String] = [:], body: Data = Data())
        /// Close the connection without answering (an empty reply).
        case closeWithoutResponse
        /// Read the request, then say nothing until the client gives up.
        case hang
        /// Announce a body of `totalBytes` and stream it in chunks.
        case streamBody(totalBytes: Int)
        /// Send headers, then a few chunked body bytes every 50 ms, forever.
        case endlessBody
        /// Reset the connection (RST) right after reading the request.
        case reset
    }

    private struct State {
        var requests: [Request] = []
        var connections = 0
        var stopped = false
        var clientSockets: [Int32] = []
        /// Body bytes of `.streamBody` the client took before it stopped reading.
        var bodyBytesSent = 0
    }

    private let listener: Int32
    private let state = Mutex(State())
    private let handler: @Sendable (Request) -> Action
    let port: Int
    let unixSocketPath: String?

    /// Body bytes of `.streamBody` answers written so far (the client's socket took them).
    var bodyBytesSent: Int { self.state.withLock { $0.bodyBytesSent } }

    /// Starts listening on an ephemeral TCP port or on `unixSocketPath`.
    init(unixSocketPath: String? = nil, handler: @escaping @Sendable (Request) -> Action) throws {
        self.handler = handler
        self.unixSocketPath = unixSocketPath
        (listener, port) = try Self.makeListener(unixSocketPath: unixSocketPath)
        guard listen(listener, 64) == 0 else { throw POSIXError(.EIO) }
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    private static func makeListener(unixSocketPath: String?) throws -> (Int32, Int) {
        if let unixSocketPath {
            unlink(unixSocketPath)
            let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in unixSocketPath.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
            }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard result == 0 else { throw POSIXError(.EADDRINUSE) }
            return (listener, 0)
        } else {
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var yes: Int32 = 1
            setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard result == 0 else { throw POSIXError(.EADDRINUSE) }
            var bound = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &bound) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
            }
            return (listener, Int(UInt16(bigEndian: bound.sin_port)))
        }
    }

    /// `http://127.0.0.1:PORT` (for a Unix socket server, a placeholder host).
    var baseURL: String { unixSocketPath == nil ? "http://127.0.0.1:\(port)" : "http://qbo.local" }

    /// Connections accepted so far.
    var connectionsAccepted: Int { state.withLock { $0.connections } }

    /// Requests received so far, in order.
    var requests: [Request] { state.withLock { $0.requests } }

    /// Stops accepting and closes every connection.
    func stop() {
        // Sockets are only shut down here; the threads that own them close them,
        // after leaving the list under the same lock, so a number the kernel
        // hands out again is never touched.
        state.withLock { state in
            state.stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for socket in state.clientSockets { shutdown(socket, Int32(SHUT_RDWR)) }
        }
        if let unixSocketPath { unlink(unixSocketPath) }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func acceptLoop() {
        defer { close(listener) }
        while !isStopped {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if isStopped { return }
                continue
            }
            let accepted = state.withLock { state in
                guard !state.stopped else { return false }
                state.connections += 1
                state.clientSockets.append(client)
                return true
            }
            guard accepted else {
                close(client)
                return
            }
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
    }

    private func serve(_ socket: Int32) {
        defer {
            state.withLock { state in state.clientSockets.removeAll { $0 == socket } }
            close(socket)
        }
        var buffer = Data()
        while !isStopped {
            guard let request = readRequest(socket, buffer: &buffer) else { return }
            state.withLock { $0.requests.append(request) }
            switch handler(request) {
            case .respond(let status, let headers, let body):
                var head = "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Status")\r\nContent-Length: \(body.count)\r\n"
                for (name, value) in headers { head += "\(name): \(value)\r\n" }
                head += "\r\n"
                guard write(socket, Data(head.utf8) + body) else { return }
            case .closeWithoutResponse:
                return
            case .hang:
                waitUntilClosed(socket)
                return
            case .streamBody(let totalBytes):
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(totalBytes)\r\n\r\n"
                guard write(socket, Data(head.utf8)) else { return }
                let chunk = Data(repeating: UInt8(ascii: " "), count: 64 * 1024)
                var sent = 0
                while sent < totalBytes, !isStopped {
                    let part = chunk.prefix(totalBytes - sent)
                    guard write(socket, part) else { return }
                    sent += part.count
                    self.state.withLock { $0.bodyBytesSent += part.count }
                }
            case .endlessBody:
                // Chunked, so no length announces the size and only the
                // timeout or the write-callback cap can end it.
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n"
                guard write(socket, Data(head.utf8)) else { return }
                while !isStopped {
                    usleep(50_000)
                    guard write(socket, Data("4\r\n    \r\n".utf8)) else { return }
                }
            case .reset:
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(socket, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                return
            }
        }
    }

    private func readRequest(_ socket: Int32, buffer: inout Data) -> Request? {
        let separator = Data("\r\n\r\n".utf8)
        while buffer.range(of: separator) == nil {
            guard receive(socket, into: &buffer) else { return nil }
        }
        guard let headEnd = buffer.range(of: separator),
              let head = String(data: buffer[buffer.startIndex..<headEnd.lowerBound], encoding: .utf8) else { return nil }
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        buffer.removeSubrange(buffer.startIndex..<headEnd.upperBound)
        while buffer.count < length {
            guard receive(socket, into: &buffer) else { return nil }
        }
        let body = Data(buffer.prefix(length))
        buffer.removeFirst(length)
        buffer = Data(buffer)
        return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
    }

    private func receive(_ socket: Int32, into buffer: inout Data) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = recv(socket, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    private func write(_ socket: Int32, _ data: Data) -> Bool {
        var offset = 0
        return data.withUnsafeBytes { bytes in
            while offset < bytes.count {
                let sent = send(socket, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    private func waitUntilClosed(_ socket: Int32) {
        var byte: UInt8 = 0
        while !isStopped {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 100) > 0 {
                if recv(socket, &byte, 1, 0) <= 0 { return }
            }
        }
    }
}

extension ScriptedHTTPServer.Action {
    /// A JSON response from a string.
    static func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> Self {
        .respond(status: status, headers: headers.merging(["Content-Type": "application/json"]) { $1 }, body: Data(text.utf8))
    }

    /// A JSON response from a fixture file.
    static func fixture(_ status: Int, _ name: String) -> Self {
        .respond(status: status, headers: ["Content-Type": "application/json"], body: Fixtures.data(name))
    }
}
