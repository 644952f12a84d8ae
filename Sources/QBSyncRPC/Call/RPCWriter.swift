import NIOCore
import QBSyncWire

/// Sends the responses of a server-streaming call.
///
/// Writes wait while the client has not granted room (flow control) or the
/// socket is full, so a subscriber that stops reading holds a bounded number
/// of messages in the server, never an unbounded queue.
public struct RPCWriter<Response: WireMessage>: Sendable {
    let sink: CallSink

    /// Sends one response.
    ///
    /// - Parameter response: The message.
    /// - Throws: ``RPCError`` when the call has ended (cancelled, deadline,
    ///   connection gone); stop producing then.
    public func write(_ response: Response) async throws(RPCError) {
        try await self.sink.send([self.sink.encodeMessage(response)])
    }

    /// Sends several responses with one hop to the connection's event loop.
    ///
    /// - Parameter responses: The messages, in order.
    public func write(contentsOf responses: some Sequence<Response>) async throws(RPCError) {
        let frames = responses.map { self.sink.encodeMessage($0) }
        guard !frames.isEmpty else { return }
        try await self.sink.send(frames)
    }

    /// Makes the write waiting for the client's credit, and every later one,
    /// throw ABORTED at once.
    ///
    /// For a handler that must stop writing because of something outside the
    /// call (its source fell behind) while a client grants no credit: without
    /// it, the handler would wait in ``write(_:)`` for as long as the client
    /// does not read.
    public func interrupt() {
        self.sink.interrupt()
    }

    /// Drops the messages still waiting for the client's credit, before the
    /// handler ends the call with an error.
    ///
    /// A non-OK final status needs no credit: it goes out at once, and the
    /// messages queued behind the window are not sent. A handler whose status
    /// tells the client where to resume calls this first, to learn which of
    /// its messages never left.
    ///
    /// - Returns: How many of the most recently written messages were dropped.
    public func discardUnsent() async -> Int {
        await self.sink.discardPending()
    }
}
