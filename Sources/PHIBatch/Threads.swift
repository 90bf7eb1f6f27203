#if canImport(Glibc)
import Glibc
#endif

/// Monotonic seconds.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// `syncfs(2)` (Linux): flushes the file system holding `fd`. Glibc declares it only under `_GNU_SOURCE`, which the
/// Swift module does not see, so it is bound by name.
@_silgen_name("syncfs")
func syncfs(_ fd: Int32) -> Int32
