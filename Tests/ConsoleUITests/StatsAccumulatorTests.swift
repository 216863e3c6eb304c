import ConsoleUI
import ESLProtocol
import Testing

@Suite struct StatsAccumulatorTests {
    /// `api status` as a real FreeSWITCH 1.10 answered it (the api-replies capture), with a busy rate.
    static let status = """
        UP 0 years, 0 days, 0 hours, 0 minutes, 45 seconds, 790 milliseconds, 438 microseconds
        FreeSWITCH (Version 1.11.3-dev git cc93a68 2026-08-21 14:10:14Z 64bit) is ready
        12 session(s) since startup
        4 session(s) - peak 6, last 5min 6 \("")
        3 session(s) per Sec out of max 30, peak 5, last 5min 2 \("")
        1000 session(s) max
        min idle cpu 0.00/59.17
        Current Stack Size/Max 240K/8192K

        """

    @Test func eventsLogsAndAnswersBecomeALine() {
        var stats = StatsAccumulator()
        for _ in 0..<6 { stats.record(Event(name: "CHANNEL_STATE")) }
        for _ in 0..<4 { stats.record(Event(name: "CHANNEL_CREATE")) }
        for _ in 0..<2 { stats.record(Event(name: "CUSTOM", subclass: "sofia::register")) }
        for name in ["CODEC", "DTMF", "API", "RE_SCHEDULE"] { stats.record(Event(name: name)) }
        for level in [0, 3, 4, 4, 5, 6, 7, 7, 7, 7] { stats.record(LogLine(level: level, text: "x\n")) }
        stats.readStatus(Self.status)
        stats.readCallsCount("\n2 total.\n")
        stats.readChannelsCount("\n4 total.\n")
        stats.recordDropped(3)
        let line = stats.take(seconds: 2)
        #expect(line.calls == 2)
        #expect(line.channels == 4)
        #expect(line.sessionsPerSecond == 3)
        #expect(line.idleCPU == 59.17)
        #expect(line.eventsPerSecond == 8)  // 16 events in 2 s
        #expect(line.topEvents == [.init("CHANNEL_STATE", 3), .init("CHANNEL_CREATE", 2), .init("sofia::register", 1),
                                   .init("API", 1), .init("CODEC", 1)])
        #expect(line.logsPerSecond == [1, 1, 1, 1, 2])  // err and worse, warning, notice, info, debug
        #expect(line.dropped == 3)
        #expect(StatsAccumulator.format(line) ==
            "     2     4      3  59.2      8      1      1      1      1      2   CHANNEL_STATE 3, CHANNEL_CREATE 2, sofia::register 1, API 1, CODEC 1 (3 dropped)")
        #expect(StatsAccumulator.header ==
            " calls chans sess/s idle%   ev/s  err/s warn/s note/s info/s  dbg/s   top events/s")
    }

    @Test func countsStartAgainAndAnswersAreKept() {
        var stats = StatsAccumulator()
        stats.record(Event(name: "HEARTBEAT", headers: [Header("Idle-CPU", "97.500000")]))
        stats.readCallsCount("\n0 total.\n")
        _ = stats.take(seconds: 1)
        let quiet = stats.take(seconds: 1)
        #expect(quiet.eventsPerSecond == 0)
        #expect(quiet.topEvents.isEmpty)
        #expect(quiet.calls == 0)
        #expect(quiet.channels == nil)
        #expect(quiet.idleCPU == 97.5)
        #expect(StatsAccumulator.format(quiet) == "     0     -      -  97.5      0      0      0      0      0      0   -")
    }

    /// The real capture's `status` and `show … count` answers parse.
    @Test func theCapturedAnswersParse() throws {
        var stats = StatsAccumulator()
        stats.readStatus("""
            UP 0 years, 0 days, 0 hours, 0 minutes, 51 seconds, 2 milliseconds, 634 microseconds
            FreeSWITCH (Version 1.11.3-dev git cc93a68 2026-08-21 14:10:14Z 64bit) is ready
            0 session(s) since startup
            0 session(s) - peak 0, last 5min 0 \("")
            0 session(s) per Sec out of max 30, peak 0, last 5min 0 \("")
            1000 session(s) max
            min idle cpu 0.00/59.30
            Current Stack Size/Max 240K/8192K

            """)
        stats.readChannelsCount("\n0 total.\n")
        let line = stats.take(seconds: 1)
        #expect(line.sessionsPerSecond == 0)
        #expect(line.idleCPU == 59.3)
        #expect(line.channels == 0)
        #expect(line.calls == nil)
    }
}
