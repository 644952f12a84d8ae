// The Swift client's runner of the conformance suite (Clients/conformance/README.md):
//
//   QBSYNC_SOCKET=/path/s.sock qbsync-conformance CASE.json
//
// Exit 0 when the case passed; otherwise what differed on stderr and exit 1.
import Foundation
import QBSyncClient
import QBSyncWire

/// A server stream read in the background, so a read can give up after a while.
actor StreamBox {
    private var messages: [String] = []
    private var end: RPCError??
    private var pump: Task<Void, Never>?

    init() {}

    func start(_ stream: AsyncThrowingStream<any JSONWireMessage, any Error>) {
        self.pump = Task {
            do {
                for try await message in stream { self.push(WireJSON.string(message, pretty: false)) }
                self.finish(nil)
            } catch let error as RPCError {
                self.finish(error)
            } catch {
                self.finish(RPCError(code: .unknown, message: "\(error)"))
            }
        }
    }

    private func push(_ message: String) { self.messages.append(message) }
    private func finish(_ error: RPCError?) { self.end = .some(error) }

    func cancel() { self.pump?.cancel() }

    /// The next message, or the stream's end (nil message, its error), waiting until `deadline`.
    func take(until deadline: ContinuousClock.Instant) async throws -> (message: String?, end: RPCError?) {
        while true {
            if !self.messages.isEmpty { return (self.messages.removeFirst(), nil) }
            if let end = self.end { return (nil, end) }
            if ContinuousClock.now >= deadline { throw Failure("timed out waiting for the stream") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

enum Runner {
    static func json(_ message: any JSONWireMessage) -> Any {
        self.json(text: WireJSON.string(message, pretty: false))
    }

    static func json(text: String) -> Any {
        let value = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) ?? [String: Any]()
        return Matching.pruned(value) ?? [String: Any]()
    }

    static func request(_ method: AnyRPCMethod, _ value: Any?) throws -> any JSONWireMessage {
        let data = try JSONSerialization.data(withJSONObject: value ?? [String: Any]())
        var parser = ProtoJSONParser(String(decoding: data, as: UTF8.self))
        return try method.request(fromJSON: try parser.parseDocument())
    }

    static func options(_ step: [String: Any], defaultTimeout: Duration?) -> CallOptions {
        var options = CallOptions()
        options.timeout = (step["timeout_ms"] as? NSNumber).map { .milliseconds($0.int64Value) } ?? defaultTimeout
        options.metadata = step["metadata"] as? [String: String] ?? [:]
        return options
    }

    static func check(_ expect: [String: Any], _ error: RPCError?) throws {
        let code = expect["code"] as? String ?? "OK"
        let actual = error.map { "\($0.code)" } ?? "OK"
        guard actual == code else { throw Failure("expected \(code), got \(actual)\(error.map { ": \($0.message)" } ?? "")") }
        guard let error else { return }
        if let part = expect["message_contains"] as? String, !error.message.contains(part) {
            throw Failure("message \"\(error.message)\" does not contain \"\(part)\"")
        }
        for case let wanted as [String: Any] in expect["details"] as? [Any] ?? [] {
            let type = wanted["type"] as? String ?? ""
            var problems: [String] = []
            var found = false
            for detail in error.details where detail.type == type {
                guard let message = try WireRegistry.decode(typeName: type, bytes: detail.value) else { continue }
                if let problem = Matching.problem(wanted["value"] ?? [String: Any](), json(message)) { problems.append(problem) } else { found = true; break }
            }
            if !found { throw Failure("no \(type) detail matching \(Matching.describe(wanted["value"])): \(problems.isEmpty ? error.details.map(\.type) : problems)") }
        }
    }

    static func run(_ steps: [[String: Any]], client: QBSyncClient) async -> Int32 {
        var streams: [String: StreamBox] = [:]
        var variables: [String: Any] = [:]
        for (index, raw) in steps.enumerated() {
            do {
                guard let step = try Matching.substitute(raw, variables) as? [String: Any] else { throw Failure("a step is not an object") }
                if let milliseconds = step["sleep_ms"] as? NSNumber {
                    try await Task.sleep(for: .milliseconds(milliseconds.int64Value))
                } else if let action = step["driver"] as? String {
                    FileHandle.standardOutput.write(Data("driver: \(action)\n".utf8))
                    guard readLine()?.trimmingCharacters(in: .whitespaces) == "ok" else { throw Failure("the driver did not answer ok") }
                } else if let name = step["open"] as? String {
                    guard let method = QuickBooksSync.methodsByName[step["call"] as? String ?? ""] else { throw Failure("no streaming method \(step["call"] ?? "")") }
                    let box = StreamBox()
                    await box.start(client.stream(method, try request(method, step["request"]), options: options(step, defaultTimeout: nil)))
                    streams[name] = box
                } else if let name = step["read"] as? String {
                    guard let box = streams[name] else { throw Failure("no stream \(name)") }
                    let deadline = ContinuousClock.now + .milliseconds((step["within_ms"] as? NSNumber)?.int64Value ?? 10_000)
                    let wanted = step["next"] ?? step["until"]
                    while true {
                        let (text, end) = try await box.take(until: deadline)
                        guard let message = text.map(json(text:)) else { throw Failure("the stream ended (\(end.map { "\($0.code): \($0.message)" } ?? "OK")) before a message matched \(Matching.describe(wanted))") }
                        if let problem = Matching.problem(wanted, message) {
                            if step["next"] != nil { throw Failure("the next message does not match: \(problem)") }
                            continue
                        }
                        for (capture, path) in step["capture"] as? [String: String] ?? [:] { variables[capture] = try Matching.lookup(message, path) }
                        break
                    }
                } else if let name = step["end"] as? String {
                    guard let box = streams[name] else { throw Failure("no stream \(name)") }
                    let deadline = ContinuousClock.now + .milliseconds((step["within_ms"] as? NSNumber)?.int64Value ?? 10_000)
                    while true {
                        let (message, end) = try await box.take(until: deadline)
                        if message == nil {
                            try check(step["expect"] as? [String: Any] ?? [:], end)
                            break
                        }
                    }
                } else if let name = step["cancel"] as? String {
                    await streams[name]?.cancel()
                } else if let call = step["call"] as? String {
                    let expect = step["expect"] as? [String: Any] ?? [:]
                    var response: Any?
                    var failure: RPCError?
                    do {
                        if let method = QuickBooksSync.methodsByName[call] {
                            let message = try await client.call(method, try request(method, step["request"]), options: options(step, defaultTimeout: .seconds(30)))
                            response = json(message)
                        } else {
                            _ = try await client.unary(path: "/\(QuickBooksSync.serviceName)/\(call)", packed: [], options: options(step, defaultTimeout: .seconds(30)))
                        }
                    } catch let error as RPCError {
                        failure = error
                    } catch let error as ProtoJSONError {
                        failure = RPCError(code: .invalidArgument, message: error.description)
                    }
                    try check(expect, failure)
                    if let response {
                        if let wanted = expect["response"], let problem = Matching.problem(wanted, response) {
                            throw Failure("response differs: \(problem)\n  got \(Matching.describe(response).prefix(2000))")
                        }
                        for (capture, path) in step["capture"] as? [String: String] ?? [:] { variables[capture] = try Matching.lookup(response, path) }
                    }
                } else {
                    throw Failure("unknown step")
                }
            } catch {
                let text = (try? JSONSerialization.data(withJSONObject: raw, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? ""
                FileHandle.standardError.write(Data("step \(index) \(text.prefix(300)):\n  \(error)\n".utf8))
                return 1
            }
        }
        return 0
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 2, let socket = ProcessInfo.processInfo.environment["QBSYNC_SOCKET"] else {
    FileHandle.standardError.write(Data("usage: QBSYNC_SOCKET=PATH qbsync-conformance CASE.json\n".utf8))
    exit(2)
}
guard let data = FileManager.default.contents(atPath: arguments[1]),
      let spec = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let steps = spec["steps"] as? [[String: Any]]
else {
    FileHandle.standardError.write(Data("qbsync-conformance: cannot read the case \(arguments[1])\n".utf8))
    exit(2)
}
// Lazy: a server that refuses the handshake fails each call step with its reason.
let client = QBSyncClient(lazySocketPath: socket)
let status = await Runner.run(steps, client: client)
await client.close()
exit(status)
