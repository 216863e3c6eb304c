#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol

/// A profile file in fs_cli's INI dialect: `[name]` sections of `key => value` (or `key = value`) lines;
/// `#` and `;` start comment lines, `;;` starts an inline comment, `__END__` ends the file.
/// eslsh reads its own file (`$XDG_CONFIG_HOME/eslsh/config`) or, when it has none, fs_cli's
/// (`~/.fs_cli_conf`, then `/etc/fs_cli.conf`) as it is, so fs_cli users' profiles just work.
package struct ConfigFile {
    package struct Profile {
        package var name: String
        /// Keys lowercased, in file order; the last of a repeated key wins.
        var values: [String: (value: String, line: Int)] = [:]

        package subscript(key: String) -> String? { values[key]?.value }
    }

    package struct Problem: Error, CustomStringConvertible {
        var path: String
        var line: Int
        var message: String
        package var description: String { line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)" }
    }

    package let path: String
    package var profiles: [Profile] = []
    /// Keys the file sets that eslsh does not know (reported as warnings, like typos should be).
    package var unknownKeys: [(key: String, line: Int)] = []
    /// The file's permission bits, to warn when a password is readable by others.
    package var mode: mode_t = 0

    package static let knownKeys: Set<String> = [
        "host", "hosts", "port", "user", "password", "loglevel", "quiet", "prompt-string", "timeout", "connect-timeout",
        "color", "escape", "format", "history", "debug", "batchmode", "log-uuid", "log-uuid-short", "log-uuid-length",
        "no-history-file", "prompt-color", "input-text-color", "output-text-color",
    ]

    package static func isKnown(_ key: String) -> Bool {
        knownKeys.contains(key) || key.hasPrefix("key_f") || key.hasPrefix("key_toggle_f")
    }

    /// Parses `text`; lines before any `[section]` are a problem (fs_cli silently corrupts memory there).
    package init(path: String, text: String) throws(Problem) {
        self.path = path
        // Swift counts "\r\n" as one character, so a CRLF file would not split on "\n": make it LF first.
        let lines = text.replacing("\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (offset, rawLine) in lines.enumerated() {
            let number = offset + 1
            var line = Substring(rawLine)
            if let inline = line.firstRange(of: ";;") { line = line[..<inline.lowerBound] }
            let trimmed = line.trimmingWhitespace
            if trimmed.hasPrefix("__END__") { break }
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), trimmed.count > 2 else {
                    throw Problem(path: path, line: number, message: "a section name must look like [name]")
                }
                profiles.append(Profile(name: String(trimmed.dropFirst().dropLast()).trimmingWhitespace))
                continue
            }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw Problem(path: path, line: number, message: "expected 'key => value'")
            }
            let key = String(trimmed[..<equals]).trimmingWhitespace.lowercased()
            var value = trimmed[trimmed.index(after: equals)...]
            if value.first == ">" { value = value.dropFirst() }
            guard !profiles.isEmpty else {
                throw Problem(path: path, line: number, message: "'\(key.escapedForDisplay)' is outside any [profile] section")
            }
            if !Self.isKnown(key) { unknownKeys.append((key, number)) }
            profiles[profiles.count - 1].values[key] = (String(value).trimmingWhitespace, number)
        }
    }

    /// The first file that exists of eslsh's own and fs_cli's; nil when there is none.
    package static func load(environment: (String) -> String?, asFsCli: Bool = false) throws(Problem) -> ConfigFile? {
        for path in candidatePaths(environment: environment, asFsCli: asFsCli) {
            guard let bytes = FileBytes.read(path) else { continue }
            var info = stat()
            stat(path, &info)
            var config = try ConfigFile(path: path, text: String(decoding: bytes, as: UTF8.self))
            config.mode = info.st_mode
            return config
        }
        return nil
    }

    /// `ESLSH_CONFIG` names one file explicitly; otherwise eslsh's, then fs_cli's two. Invoked as
    /// `fs_cli`, only fs_cli's two, as fs_cli reads them.
    package static func candidatePaths(environment: (String) -> String?, asFsCli: Bool = false) -> [String] {
        if let explicit = environment("ESLSH_CONFIG"), !explicit.isEmpty { return [explicit] }
        let home = environment("HOME") ?? ""
        let configHome = environment("XDG_CONFIG_HOME").flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.config"
        var paths = asFsCli ? [] : ["\(configHome)/eslsh/config"]
        if !home.isEmpty { paths.append("\(home)/.fs_cli_conf") }
        paths.append("/etc/fs_cli.conf")
        return paths
    }

    /// The named profile, or `default`, or the first one. An unknown name is an error that lists the
    /// profiles (fs_cli silently falls back, connecting somewhere the user did not ask for).
    package func profile(named name: String?) throws(Problem) -> Profile? {
        if let name {
            if let found = profiles.first(where: { $0.name == name }) { return found }
            let names = profiles.map(\.name).joined(separator: ", ")
            throw Problem(path: path, line: 0, message: "no profile named '\(name.escapedForDisplay)' (profiles: \(names.isEmpty ? "none" : names.escapedForDisplay))")
        }
        return profiles.first { $0.name == "default" } ?? profiles.first
    }

    /// True when group or others may read the file.
    package var isReadableByOthers: Bool { mode & 0o044 != 0 }
}

extension StringProtocol {
    package var trimmingWhitespace: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
        return String(text)
    }
}

/// fs_cli's truth values: yes/on/true/enabled/active/allow or a non-zero number.
package func isTruthy(_ text: String) -> Bool {
    let lower = text.lowercased()
    if ["yes", "on", "true", "enabled", "active", "allow"].contains(lower) { return true }
    return Int(lower).map { $0 != 0 } ?? false
}
