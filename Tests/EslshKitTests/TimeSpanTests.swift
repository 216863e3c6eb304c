import Testing
@testable import EslshKit

@Suite struct TimeSpanTests {
    @Test func millisecondsByDefaultAsFsCli() {
        #expect(TimeSpan(argument: "1500")?.milliseconds == 1500)
    }

    @Test func units() {
        #expect(TimeSpan(argument: "2s")?.milliseconds == 2000)
        #expect(TimeSpan(argument: "1.5s")?.milliseconds == 1500)
        #expect(TimeSpan(argument: "250ms")?.milliseconds == 250)
        #expect(TimeSpan(argument: "1m")?.milliseconds == 60_000)
    }

    @Test func refusesNegativeHugeAndText() {
        #expect(TimeSpan(argument: "-1") == nil)
        #expect(TimeSpan(argument: "1e300") == nil)
        #expect(TimeSpan(argument: "soon") == nil)
        #expect(TimeSpan(argument: "nan") == nil)
    }
}
