#if canImport(Glibc)
import Glibc
#endif

/// The time of day, for receive times (`--timestamps`, `--record`): microseconds since the epoch,
/// UTC. Schedules use the monotonic clock instead (`Deadline`, `Pacing`).
package enum WallClock {
    package static func microseconds() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return spec.tv_sec * 1_000_000 + spec.tv_nsec / 1000
    }
}
