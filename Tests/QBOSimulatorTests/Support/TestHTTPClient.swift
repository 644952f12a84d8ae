import NIOCore
import NIOHTTP1
import NIOPosix

/// What the simulator sent back, or nothing if it hung up.
struct Reply: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A minimal HTTP/1.1 client over swift-nio, one connection per request, so a test sees
/// exactly what the server did: no retries, no redirects, no auth-challenge handling, and a
/// dropped connection shows as `nil`.
enum TestHTTPClient {
    enum Target: Sendable {
        case tcp(host: String, port: Int)
        case unixSocket(String)
    }

    typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    static func send(
        _ method: HTTPMethod, _ uri: String, headers: [(String, String)] = [], body: [UInt8]? = nil, to target: Target
    ) async throws -> Reply? {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        let initializer: @Sendable (Channel) -> EventLoopFuture<Connection> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                return try Connection(wrappingChannelSynchronously: channel)
            }
        }
        let connection: Connection
        switch target {
        case .tcp(let host, let port):
            connection = try await bootstrap.connect(host: host, port: port, channelInitializer: initializer)
        case .unixSocket(let path):
            connection = try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: initializer)
        }
        return try await connection.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
            head.headers.add(name: "Host", value: "localhost")
            head.headers.add(name: "Connection", value: "close")
            for (name, value) in headers { head.headers.replaceOrAdd(name: name, value: value) }
            if let body { head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count)) }
            // One write for the whole request: the server answers (and, with
            // `Connection: close`, closes) as soon as the message is complete,
            // so a separate write of `.end` could find the channel closed.
            var parts: [HTTPClientRequestPart] = [.head(head)]
            if let body {
                // Big bodies go in slices, as a real client streams them.
                var offset = 0
                repeat {
                    let end = min(body.count, offset + 1 << 20)
                    parts.append(.body(.byteBuffer(ByteBuffer(bytes: body[offset..<end]))))
                    offset = end
                } while offset < body.count
            }
            parts.append(.end(nil))
            try await outbound.write(contentsOf: parts)
            var reply: Reply?
            do {
                for try await part in inbound {
                    switch part {
                    case .head(let responseHead):
                        reply = Reply(status: Int(responseHead.status.code), headers: responseHead.headers, body: [])
                    case .body(let buffer):
                        reply?.body.append(contentsOf: buffer.readableBytesView)
                    case .end:
                        return reply
                    }
                }
            } catch {
                return nil
            }
            return nil  // closed before a complete response
        }
    }
}
