import Foundation
@testable import QBOClient

/// The recorded QBO bodies in `Fixtures/` (copies of shared/qbo-fixtures).
enum Fixtures {
    static func data(_ name: String) -> Data {
        guard let base = Bundle.module.resourceURL else { fatalError("test bundle has no resources") }
        let url = base.appendingPathComponent("Fixtures").appendingPathComponent("\(name).json")
        guard let data = try? Data(contentsOf: url) else { fatalError("missing fixture \(name)") }
        return data
    }

    /// Every fixture's name, without `.json`.
    static var allNames: [String] {
        guard let base = Bundle.module.resourceURL?.appendingPathComponent("Fixtures"),
              let files = try? FileManager.default.contentsOfDirectory(atPath: base.path) else { return [] }
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(T.self, from: data(name))
    }

    /// A fixture as a JSON tree with exact numbers, for shape comparisons.
    static func tree(_ name: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data(name))
    }
}

/// Encodes a value the way QBOClient does and parses it back as a JSON tree.
func jsonTree(of value: some Encodable) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: QBOCoding.encoder.encode(value))
}

/// Parses bytes as a JSON tree.
func jsonTree(_ data: Data) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: data)
}

/// `Decimal(string:)` that fails the test loudly instead of returning nil.
func dec(_ text: String) -> Decimal {
    guard let value = Decimal(string: text) else { fatalError("bad decimal literal \(text)") }
    return value
}

/// The response envelope `{"Invoice": {...}}` of a fixture, decoded.
func fixtureEntity<E: QBOEntity>(_ type: E.Type, _ name: String) throws -> E {
    try JSONDecoder().decode(EntityEnvelope<E>.self, from: Fixtures.data(name)).entity
}
