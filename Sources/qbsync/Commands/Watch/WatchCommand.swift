import ArgumentParser
import Dispatch
import Foundation
import QBSyncClient
import QBSyncWire

/// `qbsync watch`: a live dashboard fed by StreamSyncEvents.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Live dashboard: counts per entity and status, connection, queue, QBO rate use, latest events.",
        discussion: reflow("""
            Full screen on a terminal (q or Ctrl-C quits and restores it); one line per event when
            stdout is not a terminal. Counts start from a health snapshot and follow every event;
            GetHealth refreshes connection state and rate use every --refresh seconds. When the
            service goes away it shows "reconnecting…", retries with backoff and resumes after the
            last event it saw, so nothing is missed.
            """)
    )

    @OptionGroup var service: ServiceOptions
    @OptionGroup var company: CompanyOption
    @Option(help: ArgumentHelp("Seconds between health refreshes.", valueName: "seconds")) var refresh: Double = 3

    func validate() throws {
        guard self.refresh >= 0.2, self.refresh <= 3600 else { throw ValidationError("--refresh must be between 0.2 and 3600 seconds") }
    }

    func run() async throws {
        let client = try await self.service.connect()
        // Fail fast on an unknown company; later failures are shown and retried.
        _ = try await client.getHealth(GetHealthRequest(companyID: self.company.company, errorLimit: 1))
        let fullScreen = Console.isTerminal(STDOUT_FILENO) && Console.isTerminal(STDIN_FILENO)
        let (inputs, continuation) = AsyncStream<WatchInput>.makeStream(bufferingPolicy: .unbounded)
        let company = self.company.company
        let refresh = self.refresh

        var signalSources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] + (fullScreen ? [SIGWINCH] : []) {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                switch signalNumber {
                case SIGWINCH: continuation.yield(.resize)
                // The terminal is gone: nothing to restore, and a redraw may be stuck writing to it.
                case SIGHUP: _exit(129)
                default:
                    continuation.yield(.quit)
                    Self.exitSoon(128 + signalNumber)
                }
            }
            source.resume()
            signalSources.append(source)
        }
        let feed = Task { await EventFeed(client: client, company: company, continuation: continuation).run() }
        let poller = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int64(refresh * 1000)))
                continuation.yield(.pollStarted)
                if let health = try? await client.getHealth(GetHealthRequest(companyID: company)) { continuation.yield(.polled(health)) }
            }
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                continuation.yield(.tick)
            }
        }
        defer {
            feed.cancel()
            poller.cancel()
            ticker.cancel()
            signalSources.forEach { $0.cancel() }
        }
        if fullScreen {
            let terminal = try RawTerminal()
            defer { terminal.restore() }
            Thread.detachNewThread {
                var byte: UInt8 = 0
                while read(STDIN_FILENO, &byte, 1) == 1 { continuation.yield(.key(byte)) }
                // The terminal is gone (closed pty, hang-up): nothing left to draw on.
                continuation.yield(.quit)
                Self.exitSoon(129)
            }
            await Self.fullScreenLoop(inputs, terminal: terminal, company: company)
        } else {
            await Self.lineLoop(inputs, company: company)
        }
    }

    /// Exits in 2 s if the loop has not quit by then (a write to a hung-up terminal can block it).
    private static func exitSoon(_ status: Int32) {
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) { _exit(status) }
    }

    private static func fullScreenLoop(_ inputs: AsyncStream<WatchInput>, terminal: RawTerminal, company: String) async {
        var dashboard = Dashboard(company: company)
        let style = Style.forOutput()
        var size = TerminalSize.current() ?? TerminalSize(columns: 100, rows: 30)
        var dirty = true
        var lastDraw = ContinuousClock.now - .seconds(10)
        var pollBaseline = 0
        for await input in inputs {
            switch input {
            case .quit: return
            case .key(let byte):
                if [UInt8(ascii: "q"), UInt8(ascii: "Q"), 3, 4].contains(byte) { return }
                if byte == UInt8(ascii: "r") || byte == 12 { terminal.write("\u{1B}[2J"); dirty = true }
            case .resize:
                size = TerminalSize.current() ?? size
                terminal.write("\u{1B}[2J")
                dirty = true
            case .tick:
                // The clock and "next try in" move once a second even when nothing happens.
                if ContinuousClock.now - lastDraw >= .seconds(1) { dirty = true }
            case .pollStarted:
                pollBaseline = dashboard.eventsReceived
            case .polled(let health):
                dashboard.applyPolledSnapshot(health, quiet: dashboard.eventsReceived == pollBaseline)
                dirty = true
            case .snapshot(let health):
                dashboard.applyStreamSnapshot(health)
                dirty = true
            case .event(let event):
                dashboard.apply(event)
                dirty = true
            case .link(let link):
                dashboard.link = link
                dirty = true
            }
            // Redraw on change, at most every 50 ms (a burst of events is one frame).
            if dirty, ContinuousClock.now - lastDraw >= .milliseconds(50) || input.isTick {
                terminal.draw(DashboardScreen.render(dashboard, size: size, style: style))
                lastDraw = ContinuousClock.now
                dirty = false
            }
        }
    }

    /// stdout is not a terminal: one line per event and per change of the stream's state.
    private static func lineLoop(_ inputs: AsyncStream<WatchInput>, company: String) async {
        var dashboard = Dashboard(company: company)
        for await input in inputs {
            switch input {
            case .quit: return
            case .snapshot(let health):
                dashboard.applyStreamSnapshot(health)
                let counts = EntityType.shown.map { entity in
                    "\(entity.plural) " + SyncStatus.shown.compactMap { status in
                        (dashboard.counts[entity]?[status]).flatMap { $0 > 0 ? "\($0) \(status.label.lowercased())" : nil }
                    }.joined(separator: ", ")
                }.joined(separator: "; ")
                Console.out("snapshot #\(health.lastSequence): \(dashboard.health?.connectionState.label ?? "?"); \(counts)")
            case .event(let event):
                dashboard.apply(event)
                Console.out(DashboardScreen.eventLine(event, style: .plain))
            case .link(let link):
                if case .reconnecting(let attempt, let reason, _) = link { Console.out("reconnecting… (attempt \(attempt)): \(reason)") }
                if link == .live, dashboard.link != .live { Console.out("live") }
                dashboard.link = link
            default:
                break
            }
        }
    }
}

/// What the watch loop reacts to.
enum WatchInput: Sendable {
    case snapshot(GetHealthResponse)
    case pollStarted
    case polled(GetHealthResponse)
    case event(SyncEvent)
    case link(Dashboard.Link)
    case key(UInt8)
    case resize
    case tick
    case quit

    var isTick: Bool { if case .tick = self { true } else { false } }
}
