import ESLProtocol

/// When the switch says something happened, on one scale for events and log lines: the switch's local
/// wall clock in microseconds. A log line carries only its local time (`2026-12-01 07:41:59.292850` at
/// the start of its text); an event carries UTC microseconds (`Event-Date-Timestamp`) and its local time
/// to the second (`Event-Date-Local`), whose difference is the switch's UTC offset. Times from the
/// content, not from arrival, make a replay show what the live view showed.
public enum SwitchClock {
    /// An event's local time in microseconds, or nil when it carries no usable time.
    public static func time(of event: Event) -> Int? {
        guard let utc = event["Event-Date-Timestamp"].flatMap(Int.init), utc > 0 else { return nil }
        guard let local = event["Event-Date-Local"].flatMap({ civilSeconds($0[...]) }) else { return utc }
        let offset = local - utc / 1_000_000  // whole seconds: Event-Date-Local is the same instant, cut to the second
        return utc + offset * 1_000_000
    }

    /// A log line's local time in microseconds, from the start of its text; nil when it has none
    /// (a line logged without a header, such as `EXECUTE [depth=0] …`).
    public static func time(of line: LogLine) -> Int? {
        let text = line.text.utf8
        guard text.count >= 26 else { return nil }
        let head = line.text.prefix(26)
        guard let seconds = civilSeconds(head.prefix(19)) else { return nil }
        let fraction = head.dropFirst(19)
        guard fraction.first == ".", let micros = Int(fraction.dropFirst()), fraction.count == 7 else { return nil }
        return seconds * 1_000_000 + micros
    }

    /// The log line's text after its `date time cpu% [LEVEL] ` header, when it has that header.
    public static func message(of line: LogLine) -> Substring {
        var text = line.text[...]
        guard time(of: line) != nil else { return text }
        text = text.dropFirst(27)
        // `92.93% [DEBUG] `
        if let percent = text.firstIndex(of: "%"), text.distance(from: text.startIndex, to: percent) <= 8 {
            text = text[text.index(after: percent)...].drop { $0 == " " }
        }
        if text.first == "[", let close = text.firstIndex(of: "]"), text.distance(from: text.startIndex, to: close) <= 9 {
            text = text[text.index(after: close)...].drop { $0 == " " }
        }
        return text
    }

    /// `YYYY-MM-DD HH:MM:SS` as seconds since 1970-01-01 00:00:00 on the same clock.
    static func civilSeconds(_ text: Substring) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x20, bytes[13] == 0x3A, bytes[16] == 0x3A else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte &- 0x30 < 10 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        return days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
