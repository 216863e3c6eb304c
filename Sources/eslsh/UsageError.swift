import ArgumentParser
import EslshKit

/// A command line the parser refused: one line on standard error, at most one more with the nearest
/// option name, exit 2. (ArgumentParser's own report repeats the usage and the whole help after it.)
enum UsageError {
    /// Help or version asked for: printed on standard output, exit 0; anything else is a usage error.
    static func report<Command: ParsableCommand>(_ error: Error, _ command: Command.Type, name: String) -> ExitStatus {
        if Command.exitCode(for: error) == .success {
            Printer.write(1, Array((Command.fullMessage(for: error) + "\n").utf8))
            return .ok
        }
        // The parser's message may list choices on lines of their own, or carry its own suggestion.
        let lines = Command.message(for: error).split(separator: "\n").map { $0.trimmingWhitespace }.filter { !$0.isEmpty }
        var message = lines.first ?? "invalid arguments"
        if message.hasPrefix("Error: ") { message.removeFirst(7) }
        if message.hasSuffix(":"), lines.count > 1 {
            message = message + " " + lines.dropFirst().map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }.joined(separator: ", ")
        }
        // The parser's own guess can be far off (--bogus → --log): ours allows two edits at most.
        if let marker = message.firstRange(of: ". Did you mean '") { message = String(message[..<marker.lowerBound]) }
        let suggested = suggestion(for: message, in: Command.helpMessage())
        while message.hasSuffix(".") { message.removeLast() }
        var out = "\(name): \(message). See '\(name) --help'.\n"
        if let suggested { out += "Did you mean '\(suggested)'?\n" }
        Printer.write(2, Array(out.utf8))
        return .usage
    }

    /// For `Unknown option '--evnets'`: the declared long option nearest to it (at most 2 edits), if any.
    static func suggestion(for message: String, in help: String) -> String? {
        guard message.hasPrefix("Unknown option '"), let end = message.dropFirst(16).firstIndex(of: "'") else { return nil }
        let typed = String(message[message.index(message.startIndex, offsetBy: 16)..<end])
        guard typed.hasPrefix("--") else { return nil }
        var names = Set<String>()
        var rest = Substring(help)
        while let start = rest.firstRange(of: "--") {
            let name = rest[start.lowerBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" }
            if name.count > 2 { names.insert(String(name)) }
            rest = rest[name.endIndex...]
        }
        let ranked = names.map { (name: $0, distance: distance(typed, $0)) }.filter { $0.distance <= 2 }
        return ranked.min { ($0.distance, $0.name) < ($1.distance, $1.name) }?.name
    }

    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where i <= a.count {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where j <= b.count {
                let saved = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = saved
            }
        }
        return row[b.count]
    }
}
