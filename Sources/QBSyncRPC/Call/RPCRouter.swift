import NIOCore
import QBSyncWire
import Synchronization
import Tracing

/// Maps method paths to handlers.
///
/// Register typed handlers with the generated `RPCMethod` descriptors; the
/// router decodes requests and encodes responses so handlers only see Swift
/// values. A path with no handler answers UNIMPLEMENTED.
public struct RPCRouter: Sendable {
    typealias Handler = @Sendable (_ request: [UInt8], _ context: ServerContext, _ sink: CallSink) async -> Void

    struct Registration: Sendable {
        var kind: RPCKind
        var handler: Handler
    }

    private(set) var registrations: [String: Registration] = [:]
    private let observers = CallObservers()

    /// Told of every call that ended: its method, status ("OK" or the code's
    /// name, e.g. "INVALID_ARGUMENT") and how long its handler ran (for a
    /// stream, until it ended).
    public typealias CallObserver = @Sendable (_ method: String, _ status: String, _ duration: Duration) -> Void

    /// Creates an empty router.
    public init() {}

    /// Reports every call's end to `observer` (metrics), from now on.
    public func observe(_ observer: @escaping CallObserver) {
        self.observers.set(observer)
    }

    /// From now on, runs each call's handler in a server span of the
    /// bootstrapped tracer, continuing the trace the caller names in its
    /// `traceparent` (and `tracestate`) metadata (W3C trace context); a
    /// missing or malformed one starts a new trace. Off by default: a span
    /// per call costs even when nothing is exported.
    public func traceCalls() {
        self.observers.traceCalls()
    }

    /// Paths with a handler.
    public var methods: [String] { self.registrations.keys.sorted() }

    /// Registers a unary handler.
    ///
    /// - Parameters:
    ///   - method: The method descriptor.
    ///   - handler: Answers one request with one response, or throws ``RPCError``
    ///     (any other error becomes INTERNAL, its text kept out of the reply).
    public mutating func register<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        precondition(method.kind == .unary, "\(method.path) is not unary")
        let observers = self.observers
        self.registrations[method.path] = Registration(kind: .unary) { bytes, context, sink in
            await Self.offTheLoopIfLarge(bytes) {
                let started = observers.startTime()
                do {
                    let request = try Self.decode(Request.self, bytes)
                    let response = try await observers.traced(method.path, context) { try await handler(request, context) }
                    sink.finish(response: response)
                    observers.ended(method.path, started, error: nil)
                } catch {
                    sink.finish(error: error)
                    observers.ended(method.path, started, error: error)
                }
            }
        }
    }

    /// Registers a server-streaming handler.
    ///
    /// - Parameters:
    ///   - method: The method descriptor.
    ///   - handler: Writes any number of responses to the writer, then returns
    ///     (status OK) or throws (status from the error).
    public mutating func register<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        streaming handler: @escaping @Sendable (Request, RPCWriter<Response>, ServerContext) async throws -> Void
    ) {
        precondition(method.kind == .serverStreaming, "\(method.path) is not server-streaming")
        let observers = self.observers
        self.registrations[method.path] = Registration(kind: .serverStreaming) { bytes, context, sink in
            await Self.offTheLoopIfLarge(bytes) {
                let started = observers.startTime()
                do {
                    let request = try Self.decode(Request.self, bytes)
                    try await observers.traced(method.path, context) { try await handler(request, RPCWriter(sink: sink), context) }
                    sink.finish(error: nil)
                    observers.ended(method.path, started, error: nil)
                } catch {
                    sink.finish(error: error)
                    observers.ended(method.path, started, error: error)
                }
            }
        }
    }

    /// Requests up to this size are decoded and handled on the connection's
    /// event loop; larger ones (up to the 4 MiB frame limit) on the shared
    /// pool, so that decoding one cannot stall the loop's other connections.
    static let largeRequestBytes = 64 * 1024

    private static func offTheLoopIfLarge(_ bytes: [UInt8], _ body: () async -> Void) async {
        if bytes.count > Self.largeRequestBytes {
            await withTaskExecutorPreference(globalConcurrentExecutor, operation: body)
        } else {
            await body()
        }
    }

    private static func decode<Request: WireMessage>(_ type: Request.Type, _ bytes: [UInt8]) throws(RPCError) -> Request {
        do {
            return try Request(unpacking: bytes)
        } catch {
            if let invalid = error.invalidString {
                // The message is well-formed but a string would not survive
                // decoding unchanged: name it, as field validation does.
                let problem = "\(invalid.explanation); strings must be UTF-8 without NUL characters"
                throw RPCError(
                    code: .invalidArgument,
                    message: "\(invalid.field): \(problem)",
                    detail: FieldViolation(field: invalid.field, description: problem)
                )
            }
            throw RPCError(code: .invalidArgument, message: "request is not a valid \(Request.protoMessageName) message (\(bytes.count) bytes)")
        }
    }

    func registration(for path: String) -> Registration? {
        self.registrations[path]
    }
}

/// The router's call observer and tracing switch, settable after the handlers are registered.
final class CallObservers: Sendable {
    private let observer = Mutex<RPCRouter.CallObserver?>(nil)
    private let tracing = Atomic<Bool>(false)

    func traceCalls() {
        self.tracing.store(true, ordering: .relaxed)
    }

    /// Runs `body` in a server span when tracing is on.
    func traced<T>(_ method: String, _ context: ServerContext, _ body: () async throws -> T) async throws -> T {
        guard self.tracing.load(ordering: .relaxed) else { return try await body() }
        var parent = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(context.metadata, into: &parent, using: MetadataExtractor())
        return try await withSpan(String(method.drop(while: { $0 == "/" })), context: parent, ofKind: .server) { span in
            span.attributes["rpc.system"] = "qbsync"
            span.attributes["rpc.method"] = String(method.split(separator: "/").last ?? "")
            do {
                return try await body()
            } catch {
                // withSpan records the error; the status code says what the caller got.
                span.attributes["rpc.qbsync.status_code"] = (error as? RPCError)?.code.description ?? "INTERNAL"
                throw error
            }
        }
    }

    func set(_ observer: @escaping RPCRouter.CallObserver) {
        self.observer.withLock { $0 = observer }
    }

    /// Now, when someone observes (nil costs nothing more).
    func startTime() -> ContinuousClock.Instant? {
        self.observer.withLock { $0 } == nil ? nil : .now
    }

    func ended(_ method: String, _ started: ContinuousClock.Instant?, error: (any Error)?) {
        guard let started, let observer = self.observer.withLock({ $0 }) else { return }
        let status = error.map { ($0 as? RPCError)?.code.description ?? "INTERNAL" } ?? "OK"
        observer(method, status, .now - started)
    }
}
