import ConsoleUI
import ESLClient
import ESLProtocol
#if canImport(Glibc)
import Glibc
#endif

extension Invocation {
    /// `--top`: one switch, or every host of the fleet in one table. The first connections are made
    /// before the screen is taken, so a refused password is a one-line error as everywhere else.
    func runTop(_ settings: Settings, _ printer: Printer) -> ExitStatus {
        guard isatty(0) == 1, isatty(1) == 1 else {
            printer.error("--top is a full-screen view: it needs a terminal (for lines on a pipe, use --stats)")
            return .usage
        }
        var targets: [(name: String, settings: Settings)] = []
        if settings.fleet.count > 1 {
            for host in settings.fleet {
                var one = settings
                one.connect = settings.connect(to: host)
                one.fleet = []
                targets.append((host.label, one))
            }
        } else {
            targets.append((settings.connect.host, settings))
        }
        var hosts: [TopMode.Host] = []
        for target in targets {
            let one = target.settings
            let quiet = Printer(quiet: true)
            let open: () throws(ConnectError) -> Connection = { () throws(ConnectError) in try Session.connect(one, retries: 0, printer: quiet) }
            do {
                let connection = try Session.connect(one, retries: retry, printer: printer)
                hosts.append(TopMode.Host(name: target.name, open: open, connection: connection))
            } catch {
                printer.error(targets.count > 1 ? "[\(target.name)] \(error.description)" : error.description)
                if targets.count == 1 { return error.isRejection ? .rejected : .connectFailed }
                hosts.append(TopMode.Host(name: target.name, open: open))
            }
        }
        let view = TopMode(hosts: hosts, replyTimeout: settings.replyTimeout)
        switch view.run(installHandlers: true) {
        case .success: return .ok
        case .failure(let error):
            printer.error(error.description)
            return .usage
        }
    }
}
