import QBSyncProtoC

/// Finds the first string field of an encoded message that is not clean
/// UTF-8, before libprotobuf-c decodes it.
///
/// libprotobuf-c hands strings over as NUL-terminated `char *` without their
/// length, so a string holding a NUL byte would silently end there, and
/// `String(cString:)` would repair invalid UTF-8: two distinct ids on the
/// wire could become one record. The scan reads every string field of the
/// message tree from its length on the wire, guided by the protoc-c
/// descriptors, so such a message is refused instead of rewritten.
///
/// Malformed input (a truncated varint, a length past the end) stops the scan
/// without a verdict: libprotobuf-c's unpack rejects it right after.
enum WireStringScan {
    /// Nesting deeper than this is left to libprotobuf-c (which has its own limit).
    private static let maxDepth = 64

    /// The first string field of `bytes` that holds a NUL byte or is not valid
    /// UTF-8, or nil when every string is clean.
    ///
    /// - Parameters:
    ///   - bytes: The encoded message.
    ///   - descriptor: The protoc-c descriptor of its type.
    static func firstInvalidString(
        in bytes: UnsafeRawBufferPointer,
        descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    ) -> WireDecodingError.InvalidString? {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
        let buffer = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        return self.scan(buffer, descriptor: descriptor, path: [], depth: 0)
    }

    private static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>,
        descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        path: [PathElement],
        depth: Int
    ) -> WireDecodingError.InvalidString? {
        guard depth < Self.maxDepth else { return nil }
        var position = 0
        // Occurrences so far of each repeated field, for "lines[2]" in the path.
        var occurrences: [UInt32: Int] = [:]
        while position < bytes.count {
            guard let key = self.varint(bytes, &position) else { return nil }
            let number = UInt32(truncatingIfNeeded: key >> 3)
            switch key & 7 {
            case 0:
                guard self.varint(bytes, &position) != nil else { return nil }
            case 1:
                position += 8
            case 5:
                position += 4
            case 2:
                guard let length = self.varint(bytes, &position), length <= UInt64(bytes.count - position) else { return nil }
                let start = position
                position += Int(length)
                guard let field = protobuf_c_message_descriptor_get_field(descriptor, number) else { continue }
                let type = field.pointee.type
                guard type == PROTOBUF_C_TYPE_STRING || type == PROTOBUF_C_TYPE_MESSAGE else { continue }
                var index: Int?
                if field.pointee.label == PROTOBUF_C_LABEL_REPEATED {
                    index = occurrences[number, default: 0]
                    occurrences[number] = index! + 1
                }
                let value = UnsafeBufferPointer(rebasing: bytes[start..<position])
                let element = PathElement(field: field, index: index)
                if type == PROTOBUF_C_TYPE_STRING {
                    if let problem = self.problem(value) {
                        return .init(field: self.render(path + [element]), problem: problem)
                    }
                } else if let nested = field.pointee.descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self),
                          let found = self.scan(value, descriptor: nested, path: path + [element], depth: depth + 1) {
                    return found
                }
            default:
                // Groups (wire types 3 and 4) are not proto3; unpack decides.
                return nil
            }
        }
        return nil
    }

    /// What is wrong with one string's bytes, if anything.
    static func problem(_ bytes: UnsafeBufferPointer<UInt8>) -> WireDecodingError.InvalidString.Problem? {
        var ascii = true
        for byte in bytes {
            if byte == 0 { return .nul }
            if byte >= 0x80 { ascii = false }
        }
        if ascii { return nil }
        var iterator = bytes.makeIterator()
        var decoder = Unicode.UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return nil
            case .error: return .invalidUTF8
            }
        }
    }

    private static func varint(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    private struct PathElement {
        var field: UnsafePointer<ProtobufCFieldDescriptor>
        var index: Int?
    }

    /// `invoice.lines[2].description`: proto field names, as FieldViolation uses them.
    private static func render(_ path: [PathElement]) -> String {
        path.map { element in
            let name = String(cString: element.field.pointee.name)
            return element.index.map { "\(name)[\($0)]" } ?? name
        }.joined(separator: ".")
    }
}
