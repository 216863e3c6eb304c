import ConsoleUI
import ESLClient
import ESLProtocol
#if canImport(Glibc)
import Glibc
#endif

/// Which mode a command line asks for, and running it: the console, outbound mode, a fleet, a stream,
/// live stats or a script. Every outcome is an `ExitStatus`.
extension Invocation {
    package func run() -> ExitStatus {
        let early = Printer(quiet: quiet)
        let config: ConfigFile?
        do {
            config = try ConfigFile.load(environment: environment, asFsCli: asFsCli)
        } catch {
            early.error(error.description)
            return .usage
        }
        if listProfiles { return Self.list(config, early) }
        if let listen { return startListening(listen, early) }
        var settings: Settings
        do {
            settings = try Settings.resolve(self, environment: environment, config: config) {
                try PasswordPrompt.ask("Password for \(hosts.count > 1 ? "the switches" : hosts.first ?? environment("ESL_HOST") ?? "the switch"): ")
            }
        } catch {
            early.error("\(error)")
            return .usage
        }
        let printer = Printer(quiet: settings.quiet)
        for warning in settings.warnings { printer.note("warning: \(warning)") }
        if settings.debug > 0 { settings.connect.trace = Self.trace }
        if settings.fleet.count > 1, stats || trace != nil {
            printer.error("\(stats ? "--stats" : "--trace") takes one switch, not several hosts")
            return .usage
        }
        if top { return runTop(settings, printer) }
        if settings.fleet.count > 1 {
            let recorders: [String: FrameRecorder]
            do { recorders = try FrameRecorder.startFleet(path: record, settings.fleet) } catch { printer.error(error.description); return .usage }
            defer { for recorder in recorders.values { if let failure = recorder.close() { printer.error(failure) } } }
            return Fleet(shell: self, settings: settings, printer: printer, recorders: recorders).run()
        }
        let recorder: FrameRecorder?
        do { recorder = try FrameRecorder.start(path: record, &settings.connect) } catch { printer.error(error.description); return .usage }
        defer { if let failure = recorder?.close() { printer.error(failure) } }

        // The console: when a person sits at a terminal and asked for no script, stream or command.
        if execute.isEmpty && file == nil && events == nil && !stats && !top && trace == nil && !settings.batch && isatty(0) == 1 && isatty(1) == 1 {
            var interactive = InteractiveConsole(connect: settings.connect)
            interactive.replyTimeout = settings.replyTimeout
            interactive.color = settings.color
            interactive.prompt = prompt ?? settings.prompt ?? PromptFormat.defaultTemplate
            interactive.history = settings.history && !noHistory
            interactive.startupLogLevel = settings.quietLogs ? nil : (settings.logLevel ?? "")
            interactive.profileName = settings.profileName ?? "default"
            interactive.functionKeys = settings.functionKeys
            interactive.functionKeyToggles = settings.functionKeyToggles
            interactive.debugLevel = settings.debug
            interactive.logUUID = settings.logUUID
            interactive.uuidFilter = setLogUUID
            interactive.interruptExits = interrupt
            interactive.colors = (settings.promptColor, settings.inputColor, settings.outputColor)
            interactive.tables = TableFormatter(format: output ?? .table, wide: wide, style: Style.forStandardOutput(settings.color))
            interactive.confirmDangerous = !yes
            let retries = retry
            interactive.open = { _, onInbound throws(ConnectError) in
                try Session.connect(settings, retries: retries, printer: printer, onInbound: onInbound)
            }
            return interactive.run()
        }
        // A plain event stream writes each event's received bytes and reads none of its headers: the
        // reader thread then leaves them unindexed (it still finds each event's body).
        if events != nil, settings.format == .plain, !timestamps {
            settings.connect.headerIndexing = .onFirstLook
            // Nor does it need them one by one, unless it counts them or they are escaped (at a terminal,
            // or `--escape always`: the renderer makes them safe): runs of their bytes instead (ConnectOptions).
            if count == nil, !TerminalText.forStandardOutput(settings.escape).raw { settings.connect.plainEventRuns = true }
        }
        // A one-shot run sends and waits on this thread and shows nothing it did not ask for: the thread
        // that waits reads, and no reader thread is started (ConnectOptions.Reading).
        if !execute.isEmpty, events == nil, !stats, trace == nil { settings.connect.reading = .waiter }
        let connection: Connection
        do {
            connection = try Session.connect(settings, retries: retry, printer: printer)
        } catch {
            printer.error(error.description)
            return error.isRejection ? .rejected : .connectFailed
        }
        let session = Session(settings: settings, printer: printer, connection: connection)
        defer { session.connection.close() }
        let style = Style.forStandardOutput(settings.color)
        let formatter = EventFormatter(format: settings.format ?? .summary, style: style, timestamps: timestamps,
                                       terminal: .forStandardOutput(settings.escape))

        if let trace {
            return TraceMode(connection: connection, printer: printer, uuid: trace,
                             format: TraceFormat(json: settings.format == .ndjson, style: style),
                             logLevel: settings.logLevel ?? "debug", replyTimeout: settings.replyTimeout).run()
        }
        if stats {
            return StatsMode(connection: connection, printer: printer, replyTimeout: settings.replyTimeout, logLevel: settings.logLevel ?? "debug", count: count).run()
        }
        if let events {
            return EventStream(session: session, printer: printer, names: events.split(separator: " ").map(String.init),
                               formatter: formatter, style: style, filters: filters.compactMap(EventStream.filter),
                               logLevel: settings.logLevel, uuid: uuid, count: count, reconnect: reconnect, reconnectMax: reconnectMax).run()
        }
        let runner = ScriptRunner(session: session, printer: printer, bail: bail, reconnect: reconnect, reconnectMax: reconnectMax,
                                  showInbound: execute.isEmpty, formatter: formatter, style: style)
        // fs_cli prints an output and a line break: one that ends in a line break is followed by a blank line.
        runner.blankLineAfterOutput = asFsCli && !execute.isEmpty
        runner.logUUID = settings.logUUID
        runner.logUUIDFilter = setLogUUID
        if tables.effectiveFormat != .raw { runner.shape = ScriptRunner.shaping(tables.formatter(style: style), printer: printer) }
        if !execute.isEmpty { return runner.run(execute) }
        if let file, file != "-" {
            guard let lines = LineFile(path: file) else {
                printer.error("cannot read \(file): \(String(cString: strerror(errno)))")
                return .usage
            }
            return runner.run(lines)
        }
        // Batch mode (-b) is fs_cli's console without the editor: it starts with `log` as the console does.
        if settings.batch, !settings.quietLogs {
            var first: String? = "/log " + (settings.logLevel ?? "")
            var input = LineFile.standardInput
            // Line by line: standard input may be a feed that never ends.
            return runner.run(AnySequence { AnyIterator { if let line = first { first = nil; return line }; return input.next() } })
        }
        return runner.run(LineFile.standardInput)
    }

    /// Outbound mode: no connection of our own; FreeSWITCH connects to us.
    /// `--debug 1`: the protocol trace on stderr (passwords masked by the connection).
    static let trace: @Sendable (String) -> Void = { line in Printer.write(2, Array("eslsh: trace: \(line)\n".utf8)) }

    private func startListening(_ address: String, _ printer: Printer) -> ExitStatus {
        let host: String
        let port: Int
        do throws(HostPort.Problem) {
            let parsed = try HostPort.parse(address, .listenAddress)
            host = parsed.host ?? "127.0.0.1"
            port = parsed.port ?? 8084
        } catch {
            printer.error("--listen takes [ip:]port, not '\(address)'")
            return .usage
        }
        let listener: Listener
        do {
            listener = try Listener(host: host, port: port)
        } catch {
            printer.error(error.description)
            return .connectFailed
        }
        let allowList = (try? AllowList(allow)).flatMap { allow.isEmpty ? nil : $0 } ?? .loopback
        // At a terminal without a script: the interactive outbound console.
        if file == nil && isatty(0) == 1 && isatty(1) == 1 {
            return OutboundConsole(listener: listener, address: "\(host):\(listener.port)", allow: allowList,
                                   calls: calls, replyTimeout: timeout?.duration, color: color ?? .auto, history: !noHistory).run()
        }
        var lines: [String] = []
        if let file {
            guard let bytes = FileBytes.read(file) else {
                printer.error("cannot read \(file): \(String(cString: strerror(errno)))")
                return .usage
            }
            // "\r\n" is one Swift character: make CRLF files LF before splitting.
            lines = String(decoding: bytes, as: UTF8.self).replacing("\r\n", with: "\n")
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        } else if isatty(0) == 0 {
            lines = Array(LineFile.standardInput)
        }
        let mode = ListenMode(listener: listener, allow: allowList, script: lines, printer: printer,
                              replyTimeout: timeout?.duration, calls: calls)
        if (debug ?? 0) > 0 { mode.trace = Self.trace }
        mode.terminal = .forStandardOutput(escape ?? .auto)
        return mode.run()
    }

    private static func list(_ config: ConfigFile?, _ printer: Printer) -> ExitStatus {
        guard let config else {
            printer.error("no config file (looked for \(ConfigFile.candidatePaths(environment: environment).joined(separator: ", ")))")
            return .usage
        }
        var out = "# \(config.path)\n"
        for profile in config.profiles {
            let user = profile["user"].map { " user \($0)" } ?? ""
            let address = profile["hosts"] ?? "\(profile["host"] ?? "127.0.0.1"):\(profile["port"] ?? "8021")"
            out += "\(profile.name)\t\(address)\(user)\n"
        }
        Printer.write(1, Array(out.utf8))
        return .ok
    }
}
