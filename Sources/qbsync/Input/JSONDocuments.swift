import Foundation
import QBSyncWire

/// Reads input files: one JSON object, a JSON array of objects, or JSON
/// Lines (one object per line; blank lines and lines starting with # skipped).
enum JSONDocuments {
    /// The objects in `text`, each with where it came from ("file.json", "many.jsonl:12").
    /// A file holds one value, an array of objects, or values one after another
    /// (JSON Lines, or pretty-printed objects back to back).
    static func parse(_ text: String, source: String) throws -> [(location: String, value: ProtoJSON)] {
        var parser = ProtoJSONParser(text)
        var documents: [(String, ProtoJSON)] = []
        repeat {
            let line = parser.line
            do {
                documents.append(("\(source):\(line)", try parser.parseValue()))
            } catch let error as ProtoJSONError {
                throw ProtoJSONError(location: "\(source):\(parser.line)", message: error.message)
            }
        } while !parser.atEnd
        if documents.count == 1, case .array(let items) = documents[0].1 {
            return items.enumerated().map { ("\(source)[\($0.offset)]", $0.element) }
        }
        if documents.count == 1 { return [(source, documents[0].1)] }
        return documents
    }

    /// Reads a file, or stdin for "-".
    static func read(path: String) throws -> String {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            return String(decoding: data, as: UTF8.self)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIFailure.usage("cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

