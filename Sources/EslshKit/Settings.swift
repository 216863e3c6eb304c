import ConsoleUI
import ESLClient
import ESLProtocol

/// Everything a run needs, resolved once: command line > environment > profile > defaults.
/// (fs_cli reads its config after the options, so config timeouts beat `-t`/`-T`; not here.)
package struct Settings {
    package var connect = ConnectOptions()
    package var replyTimeout: Duration?
    package var quiet = false
    /// fs_cli's `quiet` key: do not subscribe to log lines when the console starts.
    package var quietLogs = false
    package var color = ColorMode.auto
    /// `--escape`, the profile's `escape`.
    package var escape = EscapeMode.auto
    package var format: EventOutputFormat?
    package var history = true
    package var prompt: String?
    package var logLevel: String?
    package var profileName: String?
    /// F1–F12 macros from the profile (`key_F1` …), for the console.
    package var functionKeys: [Int: String] = [:]
    /// Several hosts (-H repeated, --hosts-file, a profile's `hosts`): a fleet. Empty for one switch.
    package var fleet: [FleetHost] = []
    package var warnings: [String] = []
    /// The protocol trace's level (`-d`; a profile's `debug => 7`, fs_cli's libesl DEBUG, turns it on).
    package var debug = 0
    /// Batch mode (`-b`, the profile's `batchmode`).
    package var batch = false
    /// Log lines prefixed with their call's UUID: nil none, 0 whole, N its first N characters.
    package var logUUID: Int?
    /// F1–F12 toggles (`key_toggle_F1` …): presses alternate between the key's line and this one.
    package var functionKeyToggles: [Int: String] = [:]
    /// fs_cli's colour keys as escape sequences (`prompt-color`, `input-text-color`, `output-text-color`).
    package var promptColor: String?
    package var inputColor: String?
    package var outputColor: String?

    package struct Invalid: Error, CustomStringConvertible {
        package var description: String
    }

    package static func resolve(_ options: Invocation, environment: (String) -> String?, config: ConfigFile?, askPassword: () throws -> String) throws -> Settings {
        var settings = Settings()
        // An unknown profile is an error whether or not there is a file to look in (exit 2).
        if let name = options.profile, config == nil {
            let looked = ConfigFile.candidatePaths(environment: environment, asFsCli: options.asFsCli).joined(separator: ", ")
            throw Invalid(description: "no profile named '\(name)': no config file (looked for \(looked))")
        }
        let profile = try config?.profile(named: options.profile)
        settings.profileName = profile?.name
        func value(_ key: String) -> (String, String)? {
            guard let profile, let entry = profile.values[key] else { return nil }
            return (entry.value, "\(config!.path):\(entry.line)")
        }
        func number(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let (text, place) = value(key) else { return nil }
            guard let number = Int(text), range.contains(number) else {
                throw Invalid(description: "\(place): \(key) must be a number in \(range.lowerBound)-\(range.upperBound), not '\(text.escapedForDisplay)'")
            }
            return number
        }

        // Profile (over defaults).
        if let (host, _) = value("host") { settings.connect.host = host }
        if let port = try number("port", 1...65535) { settings.connect.port = port }
        if let (user, _) = value("user"), !user.isEmpty { settings.connect.user = user }
        if let (password, _) = value("password") { settings.connect.password = password }
        if let timeout = try number("timeout", 0...86_400_000), timeout > 0 { settings.replyTimeout = .milliseconds(timeout) }
        if let timeout = try number("connect-timeout", 0...86_400_000), timeout > 0 { settings.connect.connectTimeoutMilliseconds = timeout }
        if let (level, _) = value("loglevel"), !level.isEmpty { settings.logLevel = level }
        if let (quiet, _) = value("quiet") { settings.quietLogs = isTruthy(quiet) }
        if let (prompt, _) = value("prompt-string") { settings.prompt = prompt }
        if let (history, _) = value("history") { settings.history = isTruthy(history) }
        if let (noHistory, _) = value("no-history-file"), isTruthy(noHistory) { settings.history = false }
        if let (color, place) = value("color") {
            guard let mode = ColorMode(rawValue: color.lowercased()) else { throw Invalid(description: "\(place): color must be auto, always or never") }
            settings.color = mode
        }
        if let (escape, place) = value("escape") {
            guard let mode = EscapeMode(rawValue: escape.lowercased()) else { throw Invalid(description: "\(place): escape must be auto, always or never") }
            settings.escape = mode
        }
        if let (format, place) = value("format") {
            guard let parsed = EventOutputFormat(rawValue: format.lowercased()) else {
                throw Invalid(description: "\(place): format must be one of \(EventOutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            settings.format = parsed
        }
        for key in 1...12 {
            if let (macro, _) = value("key_f\(key)") { settings.functionKeys[key] = macro }
            if let (toggle, _) = value("key_toggle_f\(key)") { settings.functionKeyToggles[key] = toggle }
        }
        if let level = try number("debug", 0...7), level == 7 { settings.debug = 1 }
        if let (batch, _) = value("batchmode") { settings.batch = isTruthy(batch) }
        if let (on, _) = value("log-uuid"), isTruthy(on) { settings.logUUID = 0 }
        if let (on, _) = value("log-uuid-short"), isTruthy(on) { settings.logUUID = 8 }
        if let length = try number("log-uuid-length", 0...1000) { settings.logUUID = length }
        // Spelled out, not a table of key paths: building key paths at run time cost every one-shot run
        // a tenth of its instructions (callgrind), profile or not.
        if let (name, _) = value("prompt-color") { settings.promptColor = FsCliColor.sequence(name) }
        if let (name, _) = value("input-text-color") { settings.inputColor = FsCliColor.sequence(name) }
        if let (name, _) = value("output-text-color") { settings.outputColor = FsCliColor.sequence(name) }

        if let config {
            // One warning per unknown key, at its first line.
            var warned = Set<String>()
            for unknown in config.unknownKeys where warned.insert(unknown.key).inserted {
                settings.warnings.append("\(config.path):\(unknown.line): unknown key '\(unknown.key.escapedForDisplay)' ignored")
            }
            if value("password") != nil, config.isReadableByOthers {
                settings.warnings.append("\(config.path) holds a password and is readable by others (chmod 600 \(config.path))")
            }
        }

        // Environment (over the profile).
        if let host = environment("ESL_HOST"), !host.isEmpty { settings.connect.host = host }
        if let port = environment("ESL_PORT"), !port.isEmpty {
            guard let number = Int(port), (1...65535).contains(number) else { throw Invalid(description: "ESL_PORT must be a port number, not '\(port.escapedForDisplay)'") }
            settings.connect.port = number
        }
        if let user = environment("ESL_USER"), !user.isEmpty { settings.connect.user = user }
        if let password = environment("ESL_PASSWORD") { settings.connect.password = password }

        // Command line (over everything).
        if let port = options.port { settings.connect.port = port }
        if let user = options.user { settings.connect.user = user }
        if let password = options.password { settings.connect.password = password }
        if options.askPassword { settings.connect.password = try askPassword() }
        if let timeout = options.connectTimeout { settings.connect.connectTimeoutMilliseconds = timeout.milliseconds }
        if let timeout = options.timeout { settings.replyTimeout = timeout.duration }
        if options.quiet { settings.quiet = true }
        if let color = options.color { settings.color = color }
        if let escape = options.escape { settings.escape = escape }
        if let format = options.format { settings.format = format }
        if let level = options.log { settings.logLevel = level; settings.quietLogs = false }
        if options.quietLogs { settings.quietLogs = true }
        if let debug = options.debug { settings.debug = debug }
        if options.batch { settings.batch = true }
        if let length = options.logUUID { settings.logUUID = length }
        options.buffer.apply(to: &settings.connect)
        try settings.resolveHosts(options: options.hosts, hostsFile: options.hostsFile,
                                  environmentHost: environment("ESL_HOST"), profileHosts: value("hosts"))
        return settings
    }
}

/// fs_cli's colour names (reference 1.2): black … white are foreground colours `ESC[30m`…`ESC[37m`;
/// `bold-<colour>` is, in fs_cli, the background `ESC[40m`…`ESC[47m` (kept: a user's config looks as
/// it did); anything else resets.
package enum FsCliColor {
    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    package static func sequence(_ name: String) -> String {
        let lower = name.lowercased().trimmingWhitespace
        if let index = names.firstIndex(of: lower) { return "\u{1B}[\(30 + index)m" }
        if lower.hasPrefix("bold-"), let index = names.firstIndex(of: String(lower.dropFirst(5))) { return "\u{1B}[\(40 + index)m" }
        return "\u{1B}[m"
    }
}
