import Foundation
import NIOPosix
import QBSyncRPC
import QBSyncWire

/// The transport's own test service: echo, counting stream, sleeper, endless stream.
enum EchoService {
    static let echo = RPCMethod<Envelope.Message, Envelope.Message>(path: "/qbsync.test.Echo/Echo", kind: .unary)
    static let sleep = RPCMethod<Envelope.Ping, Envelope.Ping>(path: "/qbsync.test.Echo/Sleep", kind: .unary)
    static let count = RPCMethod<Envelope.Ping, Envelope.Ping>(path: "/qbsync.test.Echo/Count", kind: .serverStreaming)
    static let endless = RPCMethod<Envelope.Ping, Envelope.Ping>(path: "/qbsync.test.Echo/Endless", kind: .serverStreaming)
    static let fail = RPCMethod<Envelope.Message, Envelope.Message>(path: "/qbsync.test.Echo/Fail", kind: .unary)
    /// Answers [1] when the handler ran on an event loop, [0] elsewhere.
    static let whereRun = RPCMethod<Envelope.Message, Envelope.Message>(path: "/qbsync.test.Echo/WhereRun", kind: .unary)

    static func router(probe: CallProbe) -> RPCRouter {
        var router = RPCRouter()
        router.register(echo) { request, _ in request }
        router.register(whereRun) { _, _ in
            Envelope.Message(payload: [MultiThreadedEventLoopGroup.currentEventLoop == nil ? 0 : 1])
        }
        router.register(fail) { request, _ in
            throw RPCError(code: .failedPrecondition, message: String(decoding: request.payload, as: UTF8.self))
        }
        router.register(sleep) { request, _ in
            await probe.started()
            do {
                try await Task.sleep(for: .milliseconds(Int64(request.opaque)))
            } catch {
                await probe.cancelled()
                throw error
            }
            await probe.finished()
            return request
        }
        router.register(count, streaming: { request, writer, _ in
            for index in 0..<request.opaque {
                try await writer.write(Envelope.Ping(opaque: index))
            }
        })
        router.register(endless, streaming: { _, writer, _ in
            await probe.started()
            var index: UInt64 = 0
            do {
                while true {
                    try await writer.write(Envelope.Ping(opaque: index))
                    index += 1
                    await probe.wrote(index)
                }
            } catch {
                await probe.cancelled()
                throw error
            }
        })
        return router
    }
}

/// Records what handlers saw, for assertions.
actor CallProbe {
    private(set) var startedCount = 0
    private(set) var cancelledCount = 0
    private(set) var finishedCount = 0
    private(set) var written: UInt64 = 0

    func started() { self.startedCount += 1 }
    func cancelled() { self.cancelledCount += 1 }
    func finished() { self.finishedCount += 1 }
    func wrote(_ count: UInt64) { self.written = count }

    /// Polls `condition` until true or the timeout passes.
    func waitUntil(timeout: Duration = .seconds(5), _ condition: @Sendable (isolated CallProbe) -> Bool) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(self)
    }
}
