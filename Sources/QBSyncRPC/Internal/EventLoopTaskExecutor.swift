import NIOCore

/// Runs a connection's handler tasks on the connection's own event loop.
///
/// A call arrives on the event loop and its answer leaves from it; running
/// the handler there too saves two thread hand-offs per call, which is most
/// of a small call's latency. Handlers that await actors or the store still
/// suspend normally; only their synchronous stretches run on the loop, so
/// they must not block (the store's reads are short, its writes go to the
/// writer thread).
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
