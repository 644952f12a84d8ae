import GRPCCore

/// A unary echo registered by hand, as generated code would, without protoc or a `.proto` file:
/// the same shape as qbsync-bench's `/qbsync.bench.Echo/Echo`.
struct EchoService: RegistrableRPCService {
    static let echo = MethodDescriptor(
        fullyQualifiedService: "qbsync.bench.Echo",
        method: "Echo",
        type: .unary
    )

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: Self.echo,
            deserializer: RawBytesDeserializer(),
            serializer: RawBytesSerializer()
        ) { streamingRequest, _ in
            // What generated code does for a unary method: collapse the stream to one message.
            let request = try await ServerRequest(stream: streamingRequest)
            return StreamingServerResponse(single: ServerResponse(message: request.message))
        }
    }
}

extension GRPCClient {
    /// One unary echo round trip.
    func echo(_ payload: [UInt8]) async throws -> [UInt8] {
        try await unary(
            request: ClientRequest(message: payload),
            descriptor: EchoService.echo,
            serializer: RawBytesSerializer(),
            deserializer: RawBytesDeserializer(),
            options: .defaults
        ) { response in
            try response.message
        }
    }
}
