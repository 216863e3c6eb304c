/// When a recorded frame is due in a replay at `speed` times the recorded pace: as long after the
/// first frame's moment on the monotonic clock as it was recorded after the first frame, divided by
/// the speed. A recording is outside input: times out of order are due at once (never a pause back in
/// time), and gaps too long for the clock (a recording spanning centuries, a tiny speed) saturate to
/// "never" rather than overflow, so the replay waits until interrupted instead of trapping.
package struct ReplayPace: Sendable {
    /// The range `--speed` accepts: beyond it a pause is either lost in scheduling noise or longer
    /// than anyone waits, and --fast says "no pauses" plainly.
    package static let speeds: ClosedRange<Double> = 0.001...1_000_000

    package let speed: Double
    /// The first frame's receive time (microseconds since the epoch) and the clock when it played.
    package let firstRecorded: Int
    package let firstPlayed: UInt64

    package init(speed: Double, firstRecorded: Int, firstPlayed: UInt64) {
        self.speed = speed
        self.firstRecorded = firstRecorded
        self.firstPlayed = firstPlayed
    }

    /// Monotonic nanoseconds at which a frame recorded at `recorded` is due; UInt64.max for never.
    package func due(_ recorded: Int) -> UInt64 {
        let (gap, overflow) = recorded.subtractingReportingOverflow(firstRecorded)
        if overflow { return recorded > firstRecorded ? .max : firstPlayed }
        guard gap > 0 else { return firstPlayed }
        let pause = UInt64(saturating: Double(gap) * 1000 / speed)
        let (due, late) = firstPlayed.addingReportingOverflow(pause)
        return late ? .max : due
    }
}
