import QBSyncProtoC

/// Reading values out of protobuf-c structs (used by generated code).
enum CBridge {
    static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    /// Whether a string holds a NUL, which libprotobuf-c would end it at.
    static func hasNUL(_ value: String) -> Bool {
        value.utf8.contains(0)
    }

    static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard data.len > 0, let base = data.data else { return [] }
        return Array(UnsafeBufferPointer(start: base, count: data.len))
    }

    static func values<C, S>(_ pointer: UnsafePointer<C>?, _ count: Int, _ convert: (C) -> S) -> [S] {
        guard count > 0, let pointer else { return [] }
        return UnsafeBufferPointer(start: pointer, count: count).map(convert)
    }

    static func strings(_ pointer: UnsafePointer<UnsafeMutablePointer<CChar>?>?, _ count: Int) -> [String] {
        self.values(pointer, count) { self.string($0) }
    }

    static func messages<C, S>(
        _ pointer: UnsafePointer<UnsafeMutablePointer<C>?>?,
        _ count: Int,
        _ convert: (UnsafePointer<C>) -> S
    ) -> [S] {
        guard count > 0, let pointer else { return [] }
        return UnsafeBufferPointer(start: pointer, count: count).compactMap { $0.map { convert($0) } }
    }
}
