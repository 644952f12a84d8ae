import QBSyncWire

/// The responses of a server-streaming call, as an `AsyncSequence`.
///
/// The call opens when iteration starts. The client grants the server room
/// as messages are consumed, so a consumer that pauses holds a bounded
/// number of messages. Breaking out of the loop or cancelling the task
/// cancels the call on the server. Iteration throws ``RPCError`` when the
/// call ends with a non-OK status.
public struct RPCResponseStream<Element: WireMessage>: AsyncSequence, Sendable {
    let client: QBSyncClient
    let path: String
    /// The packed request, or why it cannot be sent (thrown by the first `next()`).
    let request: Result<[UInt8], RPCError>
    let options: CallOptions

    public func makeAsyncIterator() -> Iterator {
        Iterator(stream: self)
    }

    /// Iterates over the responses.
    public struct Iterator: AsyncIteratorProtocol {
        private let stream: RPCResponseStream
        private var handle: StreamHandle?

        init(stream: RPCResponseStream) {
            self.stream = stream
        }

        public mutating func next() async throws(RPCError) -> Element? {
            if self.handle == nil {
                self.handle = try await StreamHandle.open(self.stream)
            }
            guard let handle = self.handle else { return nil }
            guard let payload = try await handle.next() else { return nil }
            do {
                return try Element(unpacking: payload)
            } catch {
                handle.cancel(reason: "undecodable response")
                throw RPCError(code: .internal, message: "the server's response is not a valid \(Element.protoMessageName)", cause: error)
            }
        }
    }
}

/// Owns an open stream; cancels it on the server when dropped unfinished.
final class StreamHandle: Sendable {
    private let connection: RPCConnection
    private let call: StreamCall
    private let streamID: UInt32?

    private init(connection: RPCConnection, call: StreamCall, streamID: UInt32?) {
        self.connection = connection
        self.call = call
        self.streamID = streamID
    }

    static func open<Element>(_ stream: RPCResponseStream<Element>) async throws(RPCError) -> StreamHandle {
        _ = try stream.request.get()
        let connection = try await stream.client.currentConnection()
        let configuration = stream.client.configuration
        let call = StreamCall(window: configuration.streamWindow)
        let timeout = stream.options.timeout ?? configuration.defaultStreamTimeout
        let request = try stream.request.get()
        let id = await connection.openStream(path: stream.path, request: request, options: stream.options, timeout: timeout, call: call)
        return StreamHandle(connection: connection, call: call, streamID: id)
    }

    func next() async throws(RPCError) -> [UInt8]? {
        while true {
            switch self.call.take() {
            case .message(let payload, let grant):
                if grant > 0, let id = self.streamID { self.connection.grant(id, messages: grant) }
                return payload
            case .end(nil):
                return nil
            case .end(let error?):
                throw error
            case .wait:
                let cancelled: Bool = await withTaskCancellationHandler {
                    await self.call.waitForMore()
                    return false
                } onCancel: {
                    self.cancel(reason: "task cancelled")
                }
                if cancelled || Task.isCancelled {
                    self.cancel(reason: "task cancelled")
                }
            }
        }
    }

    func cancel(reason: String) {
        guard !self.call.isFinished else { return }
        if let id = self.streamID { self.connection.cancel(id, reason: reason) }
        self.call.complete(RPCError(code: .cancelled, message: "call cancelled"))
    }

    deinit {
        if !self.call.isFinished, let id = self.streamID {
            self.connection.cancel(id, reason: "consumer stopped iterating")
        }
    }
}
