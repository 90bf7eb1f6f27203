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

    /// Copies `array` into memory owned here aligned to `alignment` bytes (a power of two, at least `T`'s own), for
    /// tables whose rows should each sit in one cache line.
    func copy<T>(_ array: [T], alignment: Int) -> UnsafePointer<T> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, array.count) * MemoryLayout<T>.stride,
                                                   alignment: max(alignment, MemoryLayout<T>.alignment))
        let p = raw.bindMemory(to: T.self, capacity: max(1, array.count))
        p.initialize(from: array, count: array.count)
        allocations.append(raw)
        return UnsafePointer(p)
    }

    /// Allocates one `T` owned here, initialised to `value`.
    func single<T>(_ value: T) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: 1)
        p.initialize(to: value)
        allocations.append(UnsafeMutableRawPointer(p))
        return p
    }
}
