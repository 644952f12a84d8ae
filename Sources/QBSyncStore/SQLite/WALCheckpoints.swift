import CSQLite
import Dispatch
import Foundation
import Synchronization

/// Copies the WAL back into the database file (checkpoints) so that the WAL
/// starts over instead of growing, without the writer waiting on the disk.
///
/// SQLite writes the WAL from its beginning again only when a commit finds
/// every frame already copied back. Under steady writes a checkpoint on
/// another thread never gets there (the writer has always appended more by
/// the time it ends), so the WAL would grow, and writing ever-new file space
/// costs the kernel page allocation and zeroing on every commit. A checkpoint
/// run by the writer itself between batches does get there, but it waits on
/// two fsyncs of megabytes (about 90 ms of every second at full load).
///
/// So the work is split: once the WAL holds ``dueFrames`` frames, the writer
/// asks the background thread for a checkpoint, which does the copying and the
/// long fsyncs on its own connection while writes go on. When it reports back,
/// the writer copies the short tail committed meanwhile (a small fsync) between
/// two batches, and its next commit starts the WAL over. Every checkpoint is
/// PASSIVE: it never waits for readers or the writer, and what a reader still
/// uses is copied next time.
final class WALCheckpoints: @unchecked Sendable {
    /// WAL frames (pages) after which a checkpoint is due: about 4 MiB.
    static let dueFrames: Int32 = 1000
    /// The writer finishes a checkpoint itself when at most this many frames are left to copy.
    static let tailFrames: Int32 = 300
    /// Past this many frames (about 64 MiB) the writer checkpoints whatever is left.
    static let limitFrames: Int32 = 16_000
    /// Bytes of WAL file kept after it starts over (`PRAGMA journal_size_limit`).
    static let retainedBytes = 8 * 1024 * 1024

    /// What the background checkpoint copied, for the WAL generation it was asked in.
    private struct Report {
        var generation: UInt64
        var copied: Int32
    }

    private struct Shared {
        var requested: UInt64?
        var report: Report?
        var stopped = false
    }

    // Writer thread only.
    private let writer: SQLiteDatabase
    /// Frames in the WAL after the writer's last commit (SQLite's WAL hook).
    fileprivate var frames: Int32 = 0
    /// Counts the writer's complete checkpoints (each lets the WAL start over).
    private var generation: UInt64 = 0
    private var awaitingReport = false

    /// `generation`, readable from any thread (for tests).
    private let completed = Atomic<UInt64>(0)

    private let background: SQLiteDatabase
    private let shared = Mutex(Shared())
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - writer: The writer's connection (its commits are counted).
    ///   - path: The database file; the background thread opens its own connection.
    init(writer: SQLiteDatabase, path: String) throws {
        self.writer = writer
        self.background = try SQLiteDatabase(path: path)
        // A connection learns the file is in WAL mode when it first reads it;
        // until then a checkpoint on it does nothing.
        try self.background.execute("PRAGMA journal_mode = WAL")
        sqlite3_wal_hook(writer.handle, { context, _, _, frames in
            Unmanaged<WALCheckpoints>.fromOpaque(context!).takeUnretainedValue().frames = frames
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
        let thread = Thread { [self] in self.loop() }
        thread.name = "qbsync-checkpointer"
        thread.start()
    }

    /// Complete checkpoints so far: how many times the WAL started over.
    var restarts: UInt64 { self.completed.load(ordering: .relaxed) }

    /// Called by the writer after each batch, with no transaction open.
    func afterCommit() {
        guard self.frames >= Self.dueFrames else { return }
        let report = self.shared.withLock { shared -> Report? in
            defer { shared.report = nil }
            return shared.report
        }
        if let report, report.generation == self.generation {
            self.awaitingReport = false
            if self.frames - report.copied <= Self.tailFrames {
                self.finish()
                return
            }
        }
        if self.frames >= Self.limitFrames {
            self.finish()
        } else if !self.awaitingReport {
            self.awaitingReport = true
            let generation = self.generation
            self.shared.withLock { $0.requested = generation }
            self.wakeup.signal()
        }
    }

    /// Copies what is left on the writer's connection; when that is everything,
    /// the next commit starts the WAL over.
    private func finish() {
        var log: Int32 = 0
        var copied: Int32 = 0
        let result = sqlite3_wal_checkpoint_v2(self.writer.handle, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
        if result == SQLITE_OK, copied == log {
            self.generation &+= 1
            self.completed.add(1, ordering: .relaxed)
            self.awaitingReport = false
        }
    }

    /// Stops the background thread and truncates the WAL (the writer is stopping).
    func close() {
        self.shared.withLock { $0.stopped = true }
        self.wakeup.signal()
        self.finished.wait()
        sqlite3_wal_checkpoint_v2(self.writer.handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
        sqlite3_wal_hook(self.writer.handle, nil, nil)
    }

    private func loop() {
        while true {
            self.wakeup.wait()
            let (requested, stopped) = self.shared.withLock { shared in
                defer { shared.requested = nil }
                return (shared.requested, shared.stopped)
            }
            if stopped { break }
            guard let generation = requested else { continue }
            var log: Int32 = 0
            var copied: Int32 = 0
            let result = sqlite3_wal_checkpoint_v2(self.background.handle, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
            self.shared.withLock { $0.report = Report(generation: generation, copied: result == SQLITE_OK ? max(0, copied) : 0) }
        }
        self.finished.signal()
    }
}
