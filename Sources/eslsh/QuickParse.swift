import EslshKit
import ConsoleUI

/// The start-up fast path. Most runs of eslsh are one-shot commands from scripts, cron jobs and
/// monitoring checks (`eslsh -H pbx -p … -x status`), and swift-argument-parser spends most of such a
/// run building its argument set through reflection. Command lines made only of the options below
/// (and a profile) are read here instead, into the same `Invocation`, and checked by the same
/// `Invocation.validate()`. Anything else — another option, help, a joined or missing value, a value
/// that does not parse, a usage error — goes to ArgumentParser, which gives the messages.
///
/// The options are still declared once, in `ESLShell`: this table only names some of them, and
/// `QuickParseTests` fails when a name or arity here stops matching the declaration, or when this
/// path and ArgumentParser read a command line differently.
enum QuickParse {
    struct Option: Sendable {
        let short: Character?
        let long: String
        /// Sets the value; false when it does not parse as the option's type (ArgumentParser says why).
        let apply: @Sendable (inout Invocation, String) -> Bool
    }

    static let options: [Option] = [
        Option(short: "x", long: "execute") { $0.execute.append($1); return true },
        Option(short: "H", long: "host") { $0.hosts.append($1); return true },
        Option(short: "P", long: "port") { invocation, text in
            guard invocation.port == nil, let port = Int(text) else { return false }
            invocation.port = port
            return true
        },
        Option(short: "u", long: "user") { invocation, text in
            guard invocation.user == nil else { return false }
            invocation.user = text
            return true
        },
        Option(short: "p", long: "password") { invocation, text in
            guard invocation.password == nil else { return false }
            invocation.password = text
            return true
        },
        Option(short: "t", long: "timeout") { invocation, text in
            guard invocation.timeout == nil, let span = TimeSpan(argument: text) else { return false }
            invocation.timeout = span
            return true
        },
        Option(short: nil, long: "escape") { invocation, text in
            guard invocation.escape == nil, let mode = EscapeMode(rawValue: text) else { return false }
            invocation.escape = mode
            return true
        },
        Option(short: "T", long: "connect-timeout") { invocation, text in
            guard invocation.connectTimeout == nil, let span = TimeSpan(argument: text) else { return false }
            invocation.connectTimeout = span
            return true
        },
    ]

    /// Words the root command treats specially before a profile.
    private static let reserved = ["replay", "help"]

    /// The invocation, or nil for ArgumentParser to read the command line.
    static func parse(_ arguments: [String]) -> Invocation? {
        var invocation = Invocation()
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            guard word.hasPrefix("-") else {
                // One positional: the profile.
                guard invocation.profile == nil, !word.isEmpty, !reserved.contains(word) else { return nil }
                invocation.profile = word
                continue
            }
            let option: Option?
            var value: String?
            if word.hasPrefix("--") {
                let name = word.dropFirst(2)
                if let equals = name.firstIndex(of: "=") {
                    option = options.first { $0.long == name[..<equals] }
                    value = String(name[name.index(after: equals)...])
                } else {
                    option = options.first { $0.long == name }
                }
            } else {
                // A lone short option: no joined values or grouped flags on this path.
                guard word.count == 2 else { return nil }
                option = options.first { $0.short == word.last }
            }
            guard let option else { return nil }
            if value == nil {
                // ArgumentParser takes no value that looks like an option.
                guard index < arguments.count, !arguments[index].hasPrefix("-") else { return nil }
                value = arguments[index]
                index += 1
            }
            guard let value, option.apply(&invocation, value) else { return nil }
        }
        do { try invocation.validate() } catch { return nil }
        return invocation
    }
}
