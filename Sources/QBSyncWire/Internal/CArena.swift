import QBSyncProtoC

/// Scratch memory for the C structs of one pack call, freed all at once.
///
/// A bump allocator over chunks from a ``WireAllocator``: a message tree is
/// built, packed and dropped, so nothing is freed piecemeal.
final class CArena {
    private let allocator: WireAllocator
    private var chunks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0
    private static let chunkSize = 4096
    private static let alignment = 16

    init(allocator: WireAllocator) {
        self.allocator = allocator
    }

    /// Frees every chunk. The arena must not be used afterwards.
    func release() {
        for chunk in self.chunks { self.allocator.free(chunk) }
        self.chunks.removeAll()
        self.cursor = nil
        self.remaining = 0
    }

    func raw(_ size: Int) -> UnsafeMutableRawPointer {
        let rounded = (max(size, 1) + Self.alignment - 1) & ~(Self.alignment - 1)
        if rounded > self.remaining {
            let chunk = self.allocator.allocate(max(rounded, Self.chunkSize))
            self.chunks.append(chunk)
            self.cursor = chunk
            self.remaining = max(rounded, Self.chunkSize)
        }
        let memory = self.cursor!
        self.cursor = memory + rounded
        self.remaining -= rounded
        return memory
    }

    func allocate<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        self.raw(MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: 1)
    }

    func string(_ value: String) -> UnsafeMutablePointer<CChar> {
        var value = value
        return value.withUTF8 { utf8 in
            let memory = self.raw(utf8.count + 1).bindMemory(to: CChar.self, capacity: utf8.count + 1)
            if let base = utf8.baseAddress {
                UnsafeMutableRawPointer(memory).copyMemory(from: base, byteCount: utf8.count)
            }
            memory[utf8.count] = 0
            return memory
        }
    }

    func bytes(_ value: [UInt8]) -> ProtobufCBinaryData {
        guard !value.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let memory = self.raw(value.count).bindMemory(to: UInt8.self, capacity: value.count)
        value.withUnsafeBufferPointer { memory.update(from: $0.baseAddress!, count: value.count) }
        return ProtobufCBinaryData(len: value.count, data: memory)
    }

    func values<S, C>(_ values: [S], _ convert: (S) -> C) -> UnsafeMutablePointer<C>? {
        guard !values.isEmpty else { return nil }
        let memory = self.raw(MemoryLayout<C>.stride * values.count).bindMemory(to: C.self, capacity: values.count)
        for (index, value) in values.enumerated() {
            (memory + index).initialize(to: convert(value))
        }
        return memory
    }

    func strings(_ values: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        self.values(values) { Optional(self.string($0)) }
    }

    func messages<M: CBridged>(_ values: [M]) -> UnsafeMutablePointer<UnsafeMutablePointer<M.CMessage>?>? {
        self.values(values) { Optional($0.cMessage(in: self)) }
    }
}

/// A generated message that can build its protobuf-c struct in an arena.
protocol CBridged {
    associatedtype CMessage
    /// The protoc-c descriptor of the message type.
    static var cDescriptor: UnsafePointer<ProtobufCMessageDescriptor> { get }
    func cMessage(in arena: CArena) -> UnsafeMutablePointer<CMessage>
    /// Decodes without checking strings (libprotobuf-c's unpack alone).
    init(uncheckedUnpacking bytes: UnsafeRawBufferPointer, allocator: WireAllocator) throws(WireDecodingError)
}

extension CBridged where Self: WireMessage {
    /// Refuses a message whose strings would not survive decoding unchanged.
    static func checkStrings(_ bytes: UnsafeRawBufferPointer) throws(WireDecodingError) {
        if let invalid = WireStringScan.firstInvalidString(in: bytes, descriptor: Self.cDescriptor) {
            throw WireDecodingError(messageName: Self.protoMessageName, byteCount: bytes.count, invalidString: invalid)
        }
    }
}
