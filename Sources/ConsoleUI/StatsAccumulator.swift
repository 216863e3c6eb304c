#if canImport(Glibc)
import Glibc
#endif
import ESLProtocol

/// The numbers behind `--stats` and `/stats`, a rolling line in the manner of `redis-cli --stat`:
/// calls, channels, sessions per second and idle CPU from the switch's own `status`, `show calls count`
/// and `show channels count`; events per second (and the five most frequent names) and log lines per
/// second by level from the event stream. Pure: fed answers and events, it gives the same lines.
public struct StatsAccumulator: Sendable {
    /// One line's worth: the last values read, and the rates over the interval.
    public struct Line: Sendable, Equatable {
        public var calls: Int?
        public var channels: Int?
        /// `status`: "N session(s) per Sec" — the switch's current rate.
        public var sessionsPerSecond: Int?
        /// `status` "min idle cpu A/B" (B, the current figure), else HEARTBEAT's Idle-CPU.
        public var idleCPU: Double?
        public var eventsPerSecond: Int
        /// The five most frequent event names (CUSTOM events by subclass), most frequent first.
        public var topEvents: [NamedRate]
        /// Log lines per second: err (and worse), warning, notice, info, debug.
        public var logsPerSecond: [Int]
        /// Events or log lines the client dropped because it fell behind.
        public var dropped: Int
    }

    public struct NamedRate: Sendable, Equatable {
        public var name: String
        public var perSecond: Int
        public init(_ name: String, _ perSecond: Int) {
            self.name = name
            self.perSecond = perSecond
        }
    }

    private var eventCounts: [String: Int] = [:]
    private var eventTotal = 0
    private var logCounts = [0, 0, 0, 0, 0]
    private var dropped = 0
    private var calls: Int?
    private var channels: Int?
    private var sessionsPerSecond: Int?
    private var idleCPU: Double?

    public init() {}

    // MARK: - Feeding

    public mutating func record(_ event: Event) {
        let name = event.name
        let key = name == "CUSTOM" ? event.subclass ?? name : name
        eventCounts[key, default: 0] += 1
        eventTotal += 1
        if name == "HEARTBEAT", let idle = event["Idle-CPU"].flatMap(Double.init) { idleCPU = idle }
    }

    public mutating func record(_ line: LogLine) {
        // Clamped before the subtraction: the level is the switch's number, Int.min included.
        logCounts[min(7, max(3, line.level)) - 3] += 1
    }

    public mutating func recordDropped(_ count: Int) { dropped += count }

    /// The text of `api status`.
    public mutating func readStatus(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.contains("session(s) per Sec"), let number = Int(line.prefix { $0 != " " }) {
                sessionsPerSecond = number
            } else if line.hasPrefix("min idle cpu "), let slash = line.lastIndex(of: "/") {
                if let idle = Double(line[line.index(after: slash)...].filter { $0 != " " && $0 != "\r" }) { idleCPU = idle }
            }
        }
    }

    /// The text of `api show calls count`.
    public mutating func readCallsCount(_ text: String) { if let total = Self.total(text) { calls = total } }

    /// The text of `api show channels count`.
    public mutating func readChannelsCount(_ text: String) { if let total = Self.total(text) { channels = total } }

    /// `N total.` in a `show … count` answer.
    static func total(_ text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasSuffix(" total.") {
            return Int(line.dropLast(7))
        }
        return nil
    }

    // MARK: - Lines

    /// The line for an interval of `seconds`; the per-interval counts start again.
    public mutating func take(seconds: Double) -> Line {
        let span = seconds > 0 ? seconds : 1
        func rate(_ count: Int) -> Int { Int(saturating: (Double(count) / span).rounded()) }
        let top = eventCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5)
        let line = Line(calls: calls, channels: channels, sessionsPerSecond: sessionsPerSecond, idleCPU: idleCPU,
                        eventsPerSecond: rate(eventTotal), topEvents: top.map { NamedRate($0.key, rate($0.value)) },
                        logsPerSecond: logCounts.map(rate), dropped: dropped)
        eventCounts = [:]
        eventTotal = 0
        logCounts = [0, 0, 0, 0, 0]
        dropped = 0
        return line
    }

    private static let columns: [(title: String, width: Int)] = [
        ("calls", 6), ("chans", 6), ("sess/s", 7), ("idle%", 6), ("ev/s", 7),
        ("err/s", 7), ("warn/s", 7), ("note/s", 7), ("info/s", 7), ("dbg/s", 7),
    ]

    /// The column titles (`redis-cli --stat` repeats them every 20 lines on a terminal).
    public static let header: String = {
        columns.map { String(repeating: " ", count: max(0, $0.width - $0.title.count)) + $0.title }.joined() + "   top events/s"
    }()

    public static func format(_ line: Line) -> String {
        func number(_ value: Int?) -> String { value.map(String.init) ?? "-" }
        // A percentage from the switch: anything outside 0-100 (NaN, 1e300) is no figure at all.
        let idle = line.idleCPU.flatMap { (0...100).contains($0) ? Int(($0 * 10).rounded()) : nil }.map { "\($0 / 10).\($0 % 10)" } ?? "-"
        let values = [number(line.calls), number(line.channels), number(line.sessionsPerSecond), idle, String(line.eventsPerSecond)]
            + line.logsPerSecond.map(String.init)
        var out = ""
        for (value, column) in zip(values, columns) {
            out += String(repeating: " ", count: max(1, column.width - value.count)) + value
        }
        // Event names and subclasses are the switch's words: escaped, as every outside text for a person.
        let top = line.topEvents.map { "\(TerminalText.visible($0.name)) \($0.perSecond)" }.joined(separator: ", ")
        out += "   " + (top.isEmpty ? "-" : top)
        if line.dropped > 0 { out += " (\(line.dropped) dropped)" }
        return out
    }

    /// The line cut to a terminal's width (with an ellipsis): a wrapped stats line is hard to read.
    public static func format(_ line: Line, width: Int) -> String {
        let text = format(line)
        guard width > 1, text.count > width else { return text }
        return String(text.prefix(width - 1)) + "…"
    }
}
