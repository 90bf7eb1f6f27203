import CScanKernels

/// Per-worker buffers for the C feature pass (`phs_compute_features`): the regions of a line that can satisfy
/// shape triggers and the keyword hits. Grows its buffers when a line overflows them and never shrinks them, so a
/// worker allocates nothing per line once warm. Not thread-safe.
final class FeatureKernel {
    @exclusivity(unchecked) var out = phs_features()
    /// Words of `out.newlines` (0: the pass records no newlines).
    private var newlineWords = 0

    /// `newlines`: also record where the input's newlines are (`newlineBits`), for a caller that cuts a block into
    /// lines after the pass.
    init(initialCapacity: Int = 64, newlines: Bool = false) {
        if newlines {
            newlineWords = 512
            out.newlines = .allocate(capacity: newlineWords)
        }
        out.numeric = Self.makeList(initialCapacity)
        out.alnum = Self.makeList(initialCapacity)
        out.dashed = Self.makeList(initialCapacity)
        out.hexcolon = Self.makeList(initialCapacity)
        out.hits = .allocate(capacity: initialCapacity)
        out.hit_capacity = Int32(initialCapacity)
    }

    deinit {
        out.numeric.items.deallocate()
        out.alnum.items.deallocate()
        out.dashed.items.deallocate()
        out.hexcolon.items.deallocate()
        out.hits.deallocate()
        out.newlines?.deallocate()
        phs_features_release_scratch(&out)
    }

    /// The newlines of the last input (bit i: byte i is a newline); only for a kernel made with `newlines: true`.
    var newlineBits: UnsafePointer<UInt64> { UnsafePointer(out.newlines!) }

    static func makeList(_ capacity: Int) -> phs_list {
        phs_list(items: .allocate(capacity: capacity), count: 0, capacity: Int32(capacity))
    }

    /// Grows `list` to hold `list.count` items (with slack) when the last pass overflowed it.
    static func grow(_ list: inout phs_list) {
        guard list.count > list.capacity else { return }
        let capacity = Int(list.count) + Int(list.count) / 4 + 64
        list.items.deallocate()
        list = makeList(capacity)
    }

    /// Runs the feature pass over `line`; when a list overflowed, grows every full list to the size the pass
    /// counted and runs once more.
    @inline(__always)
    func compute(_ line: UnsafeBufferPointer<UInt8>, needs: UnsafePointer<phs_needs>, keywords: KeywordIndex,
                 reference: Bool = false) {
        if newlineWords > 0 && newlineWords < (line.count + 63) / 64 {
            out.newlines?.deallocate()
            newlineWords = (line.count + 63) / 64 + 64
            out.newlines = .allocate(capacity: newlineWords)
        }
        while true {
            if reference {
                phs_compute_features_reference(needs, keywords.raw, line.baseAddress, line.count, &out)
            } else if phs_compute_features(needs, keywords.raw, line.baseAddress, line.count, &out) != 0 {
                // Like any Swift allocation that fails: stop rather than scan without a prefilter.
                fatalError("phiscrub: out of memory for the feature pass scratch (\(line.count) bytes)")
            }
            if out.overflow == 0 { return }
            Self.grow(&out.numeric)
            Self.grow(&out.alnum)
            Self.grow(&out.dashed)
            Self.grow(&out.hexcolon)
            if out.hit_count > out.hit_capacity {
                let capacity = Int(out.hit_count) + Int(out.hit_count) / 4 + 64
                out.hits.deallocate()
                out.hits = .allocate(capacity: capacity)
                out.hit_capacity = Int32(capacity)
            }
        }
    }
}
