import QBSyncWire

/// Calls by name, with messages whose types are known only at run time:
/// what `qbsync call` and the conformance runner use. Typed code should call
/// the generated methods instead.
extension QBSyncClient {
    /// Calls a unary method.
    ///
    /// - Parameters:
    ///   - method: From `QuickBooksSync.methodsByName`.
    ///   - request: A message of `method.requestType`.
    ///   - options: Deadline and metadata.
    /// - Returns: A message of `method.responseType`.
    public func call(_ method: AnyRPCMethod, _ request: any JSONWireMessage, options: CallOptions = CallOptions()) async throws(RPCError) -> any JSONWireMessage {
        let payload = try await self.unary(path: method.path, packed: try Self.pack(request, metadata: options.metadata), options: options)
        do {
            return try method.responseType.init(unpacking: payload)
        } catch {
            throw RPCError(code: .internal, message: "the server's response is not a valid \(method.responseType.protoMessageName)", cause: error)
        }
    }

    /// Opens a server-streaming method; the call starts at once and is
    /// cancelled when the returned sequence is dropped or its consumer stops.
    ///
    /// - Parameters:
    ///   - method: From `QuickBooksSync.methodsByName`.
    ///   - request: A message of `method.requestType`.
    ///   - options: Deadline and metadata.
    /// - Returns: Messages of `method.responseType`; iteration throws ``RPCError``.
    public func stream(_ method: AnyRPCMethod, _ request: any JSONWireMessage, options: CallOptions = CallOptions()) -> AsyncThrowingStream<any JSONWireMessage, any Error> {
        func erased<Response: JSONWireMessage>(_: Response.Type) -> AsyncThrowingStream<any JSONWireMessage, any Error> {
            let responses = RPCResponseStream<Response>(
                client: self, path: method.path, request: Result { () throws(RPCError) in try Self.pack(request, metadata: options.metadata) }, options: options)
            return AsyncThrowingStream { continuation in
                let task = Task {
                    do {
                        for try await message in responses { continuation.yield(message) }
                        continuation.finish()
                    } catch {
                        continuation.finish(throwing: error)
                    }
                }
                continuation.onTermination = { _ in task.cancel() }
            }
        }
        return erased(method.responseType)
    }
}
