#if canImport(Glibc)
import Glibc
#endif
import ESLProtocol

/// `--escape auto|always|never` (the profile's `escape`): when control characters from outside are
/// shown as escapes.
public enum EscapeMode: String, CaseIterable, Sendable {
    /// Text for people always; raw formats (plain and XML events, API output) only at a terminal.
    case auto
    /// Everything, even plain, XML and API output to a pipe.
    case always
    /// Nothing: the bytes as they came, even at a terminal (the way to get them raw).
    case never
}

/// Which outside text is neutralised for where it goes (issue 14): control characters shown as
/// `VisibleText` escapes, never emitted. Text for people — events in summary and headers formats,
/// log lines, command replies, notices, tables, call banners — and the raw formats — plain and XML
/// events, API output, job results — each have a switch: the raw ones stay raw to a pipe (a tool
/// reads them; `--format plain | grep` must see what the switch sent), but a terminal obeys control
/// characters, so there they are neutralised too. JSON and NDJSON are escaped by their own encoding
/// (`\u001b`), which loses nothing, so they need neither switch.
public struct TerminalText: Sendable, Equatable {
    /// Escape text meant for people.
    public var people: Bool
    /// Escape the raw formats.
    public var raw: Bool

    public init(people: Bool, raw: Bool) {
        self.people = people
        self.raw = raw
    }

    /// The default of every view that is not told otherwise (the console, the full-screen views):
    /// everything escaped.
    public static let safe = TerminalText(people: true, raw: true)
    /// `--escape never`.
    public static let untouched = TerminalText(people: false, raw: false)

    public static func resolve(_ mode: EscapeMode, isTerminal: Bool) -> TerminalText {
        switch mode {
        case .always: return .safe
        case .never: return .untouched
        case .auto: return TerminalText(people: true, raw: isTerminal)
        }
    }

    /// The answer for standard output.
    public static func forStandardOutput(_ mode: EscapeMode) -> TerminalText {
        resolve(mode, isTerminal: isatty(1) == 1)
    }

    /// Text for people, one line (a field, a cell, a name).
    public func field(_ text: String) -> String { people ? VisibleText.escaped(text, .oneLine) : text }
    /// Text for people, several lines (a log line, a reply, a notice).
    public func lines(_ text: String) -> String { people ? VisibleText.escaped(text, .lines) : text }
    /// Raw output (API output, a job's result), several lines.
    public func rawLines(_ text: String) -> String { raw ? VisibleText.escaped(text, .lines) : text }

    /// Any outside text, one line, escaped whatever the mode: for places that are only ever a
    /// terminal (the full-screen views, the console's own lines, completion).
    public static func visible(_ text: String) -> String { VisibleText.escaped(text, .oneLine) }
}
