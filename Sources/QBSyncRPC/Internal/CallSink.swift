import Logging
import NIOCore
import QBSyncWire

/// The handler task's end of one call: encodes responses off the event loop
/// and hands finished frames to the connection on its event loop.
final class CallSink: Sendable {
    let streamID: UInt32
    let method: String
    private let connection: NIOLoopBound<ServerConnectionHandler>
    private let maxFrameSize: Int
    private let logger: Logger

    init(streamID: UInt32, method: String, connection: NIOLoopBound<ServerConnectionHandler>, maxFrameSize: Int, logger: Logger) {
        self.streamID = streamID
        self.method = method
        self.connection = connection
        self.maxFrameSize = maxFrameSize
        self.logger = logger
    }

    private var eventLoop: any EventLoop { self.connection.eventLoop }

    /// One Message frame carrying `message`, length prefix included.
    func encodeMessage<Message: WireMessage>(_ message: Message) -> ByteBuffer {
        let frame = Envelope.Frame(streamID: self.streamID, kind: .message(Envelope.Message(payload: message.packed())))
        var buffer = ByteBuffer()
        buffer.writeFrame(frame)
        return buffer
    }

    func statusFrame(_ status: Envelope.Status) -> ByteBuffer {
        // A status must always fit the peer's smallest allowed frame.
        var buffer = ByteBuffer()
        buffer.writeFrame(Envelope.Frame(streamID: self.streamID, kind: .status(status.fittingAnyFrame())))
        return buffer
    }

    /// Ends a unary call with its response and OK.
    func finish<Response: WireMessage>(response: Response) {
        var buffer = self.encodeMessage(response)
        if buffer.readableBytes - WireProtocol.lengthPrefixSize > self.maxFrameSize {
            self.finish(error: RPCError(
                code: .resourceExhausted,
                message: "response of \(buffer.readableBytes) bytes exceeds the client's maximum frame size of \(self.maxFrameSize)"
            ))
            return
        }
        buffer.writeFrame(Envelope.Frame(streamID: self.streamID, kind: .status(.ok)))
        self.deliverFinal(buffer)
    }

    /// Ends the call with OK (nil) or the status for `error`.
    func finish(error: (any Error)?) {
        let status: Envelope.Status
        switch error {
        case nil:
            status = .ok
        case let error as RPCError:
            status = Envelope.Status(error)
        case is CancellationError:
            status = ConnectionStateMachine.status(.cancelled, "call cancelled")
        case let error?:
            // The text of an arbitrary error may carry data that must not
            // leave the process (tokens, payloads): log it, send a generic reply.
            self.logger.error("handler failed", metadata: ["method": "\(self.method)", "error": "\(error)"])
            status = ConnectionStateMachine.status(.internal, "internal error while handling \(self.method)")
        }
        // A non-OK status needs no credit: it is not held behind messages
        // waiting for the client's window.
        self.deliverFinal(self.statusFrame(status), discardingPending: status.code != 0)
    }

    private func deliverFinal(_ buffer: ByteBuffer, discardingPending: Bool = false) {
        let id = self.streamID
        let connection = self.connection
        if self.eventLoop.inEventLoop {
            connection.value.finishCall(id, final: buffer, discardingPending: discardingPending)
        } else {
            self.eventLoop.execute { connection.value.finishCall(id, final: buffer, discardingPending: discardingPending) }
        }
    }

    /// Fails the writer's current and later waits (see ``RPCWriter/interrupt()``).
    func interrupt() {
        let id = self.streamID
        let connection = self.connection
        self.eventLoop.execute { connection.value.interruptWriter(id) }
    }

    /// Drops the stream's messages not yet written; returns how many.
    func discardPending() async -> Int {
        let id = self.streamID
        let connection = self.connection
        return await withCheckedContinuation { continuation in
            self.eventLoop.execute { continuation.resume(returning: connection.value.discardPending(id)) }
        }
    }

    /// Queues stream messages; returns once they fit the stream's buffer.
    func send(_ frames: [ByteBuffer]) async throws(RPCError) {
        for frame in frames where frame.readableBytes - WireProtocol.lengthPrefixSize > self.maxFrameSize {
            throw RPCError(code: .resourceExhausted, message: "message of \(frame.readableBytes) bytes exceeds the client's maximum frame size")
        }
        let id = self.streamID
        let connection = self.connection
        let eventLoop = self.eventLoop
        let result: Result<Void, RPCError> = await withCheckedContinuation { continuation in
            eventLoop.execute {
                connection.value.enqueue(id, frames: frames) { continuation.resume(returning: $0) }
            }
        }
        try result.get()
    }
}
