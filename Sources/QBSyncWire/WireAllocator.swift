import QBSyncProtoC
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where libprotobuf-c gets memory when qbsync packs or unpacks a message.
///
/// ``system`` is malloc/free. ``CountingAllocator`` counts every allocation
/// and free so tests can prove the bridging leaks nothing.
public struct WireAllocator: @unchecked Sendable {
    // nil selects libprotobuf-c's built-in malloc/free allocator.
    let pointer: UnsafeMutablePointer<ProtobufCAllocator>?

    /// malloc and free.
    public static let system = WireAllocator(pointer: nil)

    func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        if let pointer, let alloc = pointer.pointee.alloc {
            guard let memory = alloc(pointer.pointee.allocator_data, size) else { fatalError("out of memory") }
            return memory
        }
        guard let memory = malloc(size) else { fatalError("out of memory") }
        return memory
    }

    func free(_ memory: UnsafeMutableRawPointer) {
        if let pointer, let release = pointer.pointee.free {
            release(pointer.pointee.allocator_data, memory)
        } else {
            freeMemory(memory)
        }
    }
}

/// An allocator that counts allocations and frees, for leak tests.
///
/// Keep the instance alive while ``allocator`` is in use. The counts sit
/// behind a mutex; the C struct never changes after init, hence unchecked.
public final class CountingAllocator: @unchecked Sendable {
    private let counts = Mutex<(allocations: Int, frees: Int, live: Int)>((0, 0, 0))
    private let storage: UnsafeMutablePointer<ProtobufCAllocator>

    /// Creates a counter with all counts at zero.
    public init() {
        self.storage = .allocate(capacity: 1)
        self.storage.initialize(
            to: ProtobufCAllocator(
                alloc: { data, size in
                    let me = Unmanaged<CountingAllocator>.fromOpaque(data!).takeUnretainedValue()
                    me.counts.withLock { $0.allocations += 1; $0.live += 1 }
                    return malloc(size)
                },
                free: { data, memory in
                    guard let memory else { return }
                    let me = Unmanaged<CountingAllocator>.fromOpaque(data!).takeUnretainedValue()
                    me.counts.withLock { $0.frees += 1; $0.live -= 1 }
                    freeMemory(memory)
                },
                allocator_data: nil
            )
        )
        self.storage.pointee.allocator_data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        self.storage.deinitialize(count: 1)
        self.storage.deallocate()
    }

    /// The allocator to pass to pack and unpack calls.
    public var allocator: WireAllocator { WireAllocator(pointer: self.storage) }

    /// Allocations made so far.
    public var allocations: Int { self.counts.withLock { $0.allocations } }
    /// Frees made so far.
    public var frees: Int { self.counts.withLock { $0.frees } }
    /// Allocations not yet freed.
    public var live: Int { self.counts.withLock { $0.live } }
}

// `free` is shadowed inside WireAllocator by its own method.
private func freeMemory(_ memory: UnsafeMutableRawPointer) {
    free(memory)
}
