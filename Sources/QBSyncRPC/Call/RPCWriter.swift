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
}
