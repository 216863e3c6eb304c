#if canImport(Glibc)
import Glibc
#endif

/// When to colour output: `--color auto|always|never`.
public enum ColorMode: String, CaseIterable, Sendable {
    case auto, always, never
}

/// ANSI colour, on or off. Off means every method returns its text unchanged.
public struct Style: Sendable, Equatable {
    public let enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    public static let plain = Style(enabled: false)

    /// `always` and `never` win; `auto` colours only a terminal, and never when NO_COLOR is set
    /// (https://no-color.org: any non-empty value).
    public static func resolve(_ mode: ColorMode, isTerminal: Bool, noColor: String?) -> Style {
        switch mode {
        case .always: return Style(enabled: true)
        case .never: return .plain
        case .auto: return Style(enabled: isTerminal && (noColor ?? "").isEmpty)
        }
    }

    /// The environment's answer for standard output.
    public static func forStandardOutput(_ mode: ColorMode) -> Style {
        resolve(mode, isTerminal: isatty(1) == 1, noColor: getenv("NO_COLOR").map { String(cString: $0) })
    }

    public enum Color: String, Sendable {
        case red = "31", green = "32", yellow = "33", blue = "34", magenta = "35", cyan = "36", dim = "2", bold = "1"
    }

    public func paint(_ text: String, _ color: Color) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// fs_cli's log colours: 1–3 red, 4 magenta, 5 cyan, 6 green, 7 yellow, 0 plain.
    public static func color(forLogLevel level: Int) -> Color? {
        switch level {
        case 1...3: return .red
        case 4: return .magenta
        case 5: return .cyan
        case 6: return .green
        case 7: return .yellow
        default: return nil
        }
    }

    public func log(_ text: String, level: Int) -> String {
        guard let color = Self.color(forLogLevel: level) else { return text }
        // Colour each line on its own, so the line break stays outside the escape codes.
        var body = Substring(text)
        var trailing = ""
        while body.last == "\n" { body.removeLast(); trailing += "\n" }
        return body.split(separator: "\n", omittingEmptySubsequences: false).map { paint(String($0), color) }.joined(separator: "\n") + trailing
    }
}
