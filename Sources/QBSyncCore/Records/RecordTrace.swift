import Tracing

/// W3C trace context carried from the call that sent a record to the push
/// that sends it on to QuickBooks, later and on another task: stored with
/// the record (`RecordState.traceParent`) at intake, continued by the push's span.
enum RecordTrace {
    /// The current task's trace as a `traceparent`; "" when no trace is
    /// active (tracing off, or a call outside any span).
    static func current() -> String {
        guard let context = ServiceContext.current else { return "" }
        var carrier: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: DictionaryInjector())
        return carrier["traceparent"] ?? ""
    }

    /// A context continuing `traceParent`; the top level when it is empty or malformed.
    static func context(_ traceParent: String) -> ServiceContext {
        var context = ServiceContext.topLevel
        guard !traceParent.isEmpty else { return context }
        InstrumentationSystem.instrument.extract(["traceparent": traceParent], into: &context, using: DictionaryExtractor())
        return context
    }
}

private struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

private struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}
