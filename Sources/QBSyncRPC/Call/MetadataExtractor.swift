import Tracing

/// Reads trace context (`traceparent`, `tracestate`) from call metadata.
struct MetadataExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}
