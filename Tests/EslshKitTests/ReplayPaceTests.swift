import Testing
import ESLProtocol
@testable import EslshKit

@Suite struct ReplayPaceTests {
    @Test func pausesScaleWithTheSpeed() {
        let pace = ReplayPace(speed: 2, firstRecorded: 1_000_000, firstPlayed: 500)
        #expect(pace.due(3_000_000) == 500 + 1_000_000_000)
        #expect(ReplayPace(speed: 0.5, firstRecorded: 0, firstPlayed: 0).due(1) == 2000)
    }

    @Test func earlierTimesAreDueAtOnce() {
        let pace = ReplayPace(speed: 1, firstRecorded: 1_000_000, firstPlayed: 77)
        #expect(pace.due(0) == 77)
        #expect(pace.due(.min) == 77)
    }

    @Test func gapsBeyondTheClockSaturate() {
        #expect(ReplayPace(speed: 1, firstRecorded: .min, firstPlayed: 1).due(.max) == .max)
        #expect(ReplayPace(speed: 1, firstRecorded: 0, firstPlayed: 1).due(Int.max) == .max)
        // Fits UInt64 alone, overflows once added to the clock.
        #expect(ReplayPace(speed: 1, firstRecorded: 0, firstPlayed: .max - 10).due(1) == .max)
        #expect(ReplayPace(speed: 1e-300, firstRecorded: 0, firstPlayed: 0).due(1) == .max)
        #expect(ReplayPace(speed: .nan, firstRecorded: 0, firstPlayed: 5).due(1) == 5)
    }

    @Test func saturatingConversions() {
        #expect(Int(saturating: .nan) == 0)
        #expect(Int(saturating: .infinity) == .max)
        #expect(Int(saturating: -.infinity) == .min)
        #expect(Int(saturating: 9.3e18) == .max)
        #expect(Int(saturating: -2.5) == -2)
        #expect(UInt64(saturating: 1.9e19) == .max)
        #expect(UInt64(saturating: -1) == 0)
        #expect(UInt64(saturating: 42.9) == 42)
    }
}
