import ConsoleUI
import ESLProtocol

/// `--events` over a fleet: one stream per host, merged as they arrive. Each event says where it came
/// from: a `host` member first in JSON and NDJSON, a `<host>` element first in XML's headers, a
/// `[host] ` tag on every line of the other formats. `--count` counts each host's events.
package struct FleetEvents {
    package let fleet: Fleet

    package func run() -> ExitStatus {
        let shell = fleet.shell
        let settings = fleet.settings
        let style = Style.forStandardOutput(settings.color)
        let formatter = EventFormatter(format: settings.format ?? .summary, style: style, timestamps: shell.timestamps,
                                       terminal: .forStandardOutput(settings.escape))
        return fleet.everywhere { host in
            // The renderer tags what goes to stdout (into the structure of JSON and XML); the printer tags stderr.
            let printer = Printer(quiet: settings.quiet, tag: "[\(host.label)] ", tagsOutput: false)
            defer { printer.finish() }
            let session: Session
            switch fleet.connect(host, printer: printer) {
            case .session(let connected): session = connected
            case .failed(let status): return status
            }
            defer { session.connection.close() }
            var stream = EventStream(session: session, printer: printer, names: (shell.events ?? "").split(separator: " ").map(String.init),
                                     formatter: formatter, style: style, filters: shell.filters.compactMap(EventStream.filter),
                                     logLevel: settings.logLevel, uuid: shell.uuid, count: shell.count, reconnect: shell.reconnect,
                                     reconnectMax: shell.reconnectMax)
            stream.host = host.label
            return stream.run()
        }
    }
}
