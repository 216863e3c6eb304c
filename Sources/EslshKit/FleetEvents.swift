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
        let formatter = EventFormatter(format: settings.format ?? .summary, style: style, timestamps: shell.timestamps)
        let structured: Set<EventOutputFormat> = [.json, .ndjson, .xml]
        return fleet.everywhere { host in
            let printer = Printer(quiet: settings.quiet, tag: "[\(host.label)] ", tagsOutput: !structured.contains(formatter.format))
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

extension EventStream {
    /// An event's (or log line's) text with its host in it: a member, an element or (for the line
    /// formats, done by the printer's tag) nothing here.
    package func tagged(_ bytes: [UInt8]) -> [UInt8] {
        guard let host else { return bytes }
        switch formatter.format {
        case .ndjson, .json:
            guard let brace = bytes.firstIndex(of: UInt8(ascii: "{")) else { return bytes }
            var at = brace + 1
            let pretty = at < bytes.count && bytes[at] == 0x0A
            if pretty { at += 1 }
            let alone = bytes[at...].first { $0 != 0x20 && $0 != 0x0A } == UInt8(ascii: "}")
            let member = (pretty ? "  \"host\": " : "\"host\":") + JSONText.quoted(host)
            let text = member + (alone ? (pretty ? "\n" : "") : (pretty ? ",\n" : ","))
            return Array(bytes[..<at]) + Array(text.utf8) + Array(bytes[at...])
        case .xml:
            let marker = Array("<headers>".utf8)
            guard let range = bytes.firstRange(of: marker) else { return bytes }
            return Array(bytes[..<range.upperBound]) + Array("\n    <host>\(XMLText.escaped(host))</host>".utf8) + Array(bytes[range.upperBound...])
        case .summary, .headers, .plain:
            return bytes
        }
    }

    /// A log line or a drop marker: an object in NDJSON (tagged like an event); text in the other
    /// formats, where the structured ones (their printer tags no lines) get the `[host] ` tag here.
    package func taggedLine(_ bytes: [UInt8]) -> [UInt8] {
        guard let host else { return bytes }
        switch formatter.format {
        case .ndjson:
            return tagged(bytes)
        case .json, .xml:
            let tag = Array("[\(host)] ".utf8)
            var out: [UInt8] = []
            for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast(bytes.last == 0x0A ? 1 : 0) {
                out += tag + line + [0x0A]
            }
            return out
        case .summary, .headers, .plain:
            return bytes
        }
    }
}

package enum XMLText {
    package static func escaped(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
    }
}
