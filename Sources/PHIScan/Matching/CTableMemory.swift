/// Memory behind the tables the C kernels read (keyword index, context words): arrays copied into allocations that
/// live as long as this object. Not thread-safe while tables are being built; read-only afterwards.
final class CTableMemory {
    private var allocations: [UnsafeMutableRawPointer] = []

    init() {}

    deinit {
        for a in allocations { a.deallocate() }
    }

    /// Copies `array` into memory owned here and returns a pointer to it (valid, never null, even for an empty
    /// array).
    func copy<T>(_ array: [T]) -> UnsafePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, array.count))
        p.initialize(from: array, count: array.count)
        allocations.append(UnsafeMutableRawPointer(p))
        return UnsafePointer(p)
    }

    /// Allocates `count` zero-filled `T`s owned here, aligned to `alignment` bytes (a power of two), for a table
    /// built in place. `T` must be a C struct whose all-zero bytes are a valid value.
    func zeroed<T>(_ type: T.Type, count: Int, alignment: Int) -> UnsafeMutablePointer<T> {
        let bytes = max(1, count) * MemoryLayout<T>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: max(alignment, MemoryLayout<T>.alignment))
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        allocations.append(raw)
        return raw.bindMemory(to: T.self, capacity: max(1, count))
    }

    /// Allocates one `T` owned here, initialised to `value`.
    func single<T>(_ value: T) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: 1)
        p.initialize(to: value)
        allocations.append(UnsafeMutableRawPointer(p))
        return p
    }
}
