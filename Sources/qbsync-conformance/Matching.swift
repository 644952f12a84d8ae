import Foundation

/// The suite's matching rules (Clients/conformance/README.md, "Matching").
enum Matching {
    /// nil when `actual` matches `expected`, else what differs.
    static func problem(_ expected: Any?, _ actual: Any?, path: String = "$") -> String? {
        if let object = expected as? [String: Any], object.count == 1, let (op, argument) = object.first, op.hasPrefix("$") {
            switch op {
            case "$present": return actual == nil ? "\(path): missing" : nil
            case "$contains":
                guard let text = actual as? String, let part = argument as? String, text.contains(part) else { return "\(path): \(describe(actual)) does not contain \(describe(argument))" }
                return nil
            case "$gt", "$gte":
                guard let value = integer(actual), let bound = integer(argument) else { return "\(path): \(describe(actual)) is not an integer to compare with \(describe(argument))" }
                return (op == "$gt" ? value > bound : value >= bound) ? nil : "\(path): \(value) is not \(op.dropFirst()) \(bound)"
            case "$len":
                guard let array = actual as? [Any], let count = integer(argument), array.count == count else { return "\(path): \(describe(actual)) does not have \(describe(argument)) elements" }
                return nil
            default: return "\(path): unknown operator \(op)"
            }
        }
        if expected == nil || expected is NSNull { return actual == nil ? nil : "\(path): expected absent, got \(describe(actual))" }
        if let object = expected as? [String: Any] {
            guard let actualObject = actual as? [String: Any] else { return "\(path): expected an object, got \(describe(actual))" }
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                if let found = problem(value, actualObject[key], path: "\(path).\(key)") { return found }
            }
            return nil
        }
        if let array = expected as? [Any] {
            guard let actualArray = actual as? [Any], actualArray.count == array.count else { return "\(path): expected \(array.count) elements, got \(describe(actual))" }
            for (index, (e, a)) in zip(array, actualArray).enumerated() {
                if let found = problem(e, a, path: "\(path)[\(index)]") { return found }
            }
            return nil
        }
        if !isBool(expected), let left = integer(expected), let right = integer(actual) {
            return left == right ? nil : "\(path): expected \(describe(expected)), got \(describe(actual))"
        }
        if let left = expected as? String, let right = actual as? String { return left == right ? nil : "\(path): expected \(describe(left)), got \(describe(right))" }
        if isBool(expected), isBool(actual), let left = expected as? Bool, let right = actual as? Bool { return left == right ? nil : "\(path): expected \(left), got \(right)" }
        if let left = expected as? NSNumber, let right = actual as? NSNumber, !isBool(expected) { return left == right ? nil : "\(path): expected \(left), got \(right)" }
        return "\(path): expected \(describe(expected)), got \(describe(actual))"
    }

    static func isBool(_ value: Any?) -> Bool {
        guard let number = value as? NSNumber else { return false }
        let type = String(cString: number.objCType)
        return type == "c" || type == "B"  // how Foundation boxes a JSON true or false
    }

    static func integer(_ value: Any?) -> Int64? {
        if isBool(value) { return nil }
        if let number = value as? NSNumber, let exact = Int64(exactly: number.doubleValue) { return exact }
        if let text = value as? String { return Int64(text) }
        return nil
    }

    static func describe(_ value: Any?) -> String {
        guard let value else { return "absent" }
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
    }

    /// Drops what the JSON mapping omits: fields at their default.
    static func pruned(_ value: Any) -> Any? {
        if let object = value as? [String: Any] {
            var kept: [String: Any] = [:]
            for (key, member) in object { if let member = pruned(member) { kept[key] = member } }
            return kept
        }
        if let array = value as? [Any] { return array.isEmpty ? nil : array.compactMap { pruned($0) ?? [String: Any]() } }
        if let text = value as? String { return text.isEmpty || text == "0" || text.hasSuffix("_UNSPECIFIED") ? nil : text }
        if isBool(value) { return (value as? Bool) == true ? value : nil }
        if let number = value as? NSNumber { return number.doubleValue == 0 ? nil : number }
        return value
    }

    /// Replaces `${name}` with captured values.
    static func substitute(_ value: Any, _ variables: [String: Any]) throws -> Any {
        if let text = value as? String {
            if text.hasPrefix("${"), text.hasSuffix("}"), !text.dropFirst(2).dropLast().contains("$") {
                let name = String(text.dropFirst(2).dropLast())
                guard let captured = variables[name] else { throw Failure("no captured value named \(name)") }
                return captured
            }
            var result = text
            for (name, captured) in variables { result = result.replacingOccurrences(of: "${\(name)}", with: captured as? String ?? describe(captured)) }
            return result
        }
        if let array = value as? [Any] { return try array.map { try substitute($0, variables) } }
        if let object = value as? [String: Any] { return try object.mapValues { try substitute($0, variables) } }
        return value
    }

    /// The value at a dotted path.
    static func lookup(_ value: Any, _ path: String) throws -> Any {
        var current: Any = value
        for part in path.split(separator: ".") {
            if let array = current as? [Any], let index = Int(part), index < array.count {
                current = array[index]
            } else if let object = current as? [String: Any], let member = object[String(part)] {
                current = member
            } else {
                throw Failure("capture: no \(path) in \(describe(value))")
            }
        }
        return current
    }
}

/// Why a step failed.
struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
