import ConsoleUI
import ESLClient
import ESLProtocol

extension ScriptRunner {
    /// The most of a streamed answer held to be shaped as a whole; past it the rest is copied as it comes.
    /// Shaping costs a few times the answer (its text, the table, the output: a 60 MB `show … as json`
    /// made JSON peaked at 339 MB), so 32 MiB keeps it under 240 MB (docs/ARCHITECTURE.md).
    package static let shapeLimit = 32 << 20

    /// A streamed answer (over 1 MiB) read whole, so that it can be shaped like any other; a larger one
    /// than `shapeBudget` is printed as it came.
    package func collect(_ stream: any BodyStream, _ line: String, _ shape: (String, String) -> String) throws(ConnectionError) -> ExitStatus {
        var bytes: [UInt8] = []
        while let chunk = try stream.next() {
            bytes += chunk
            if bytes.count > shapeBudget {
                printer.note("the answer to '\(line.escapedForDisplay)' is over \(shapeBudget >> 20) MiB: printed as it came")
                var escaping = formatter.terminal.raw ? VisibleText.Stream(.lines) : nil
                printer.out(bytes: escaping?.escape(bytes) ?? bytes)
                var last = bytes.last
                while let more = try stream.next() {
                    last = more.last ?? last
                    printer.out(bytes: escaping?.escape(more) ?? more)
                }
                if let rest = escaping?.finish() { printer.out(bytes: rest) }
                if last != 0x0A { printer.out("\n") }
                return bytes.starts(with: "-ERR".utf8) ? .commandFailed : .ok
            }
        }
        let text = Renderer().terminated(formatter.terminal.rawLines(String(decoding: bytes, as: UTF8.self)))
        let failed = bytes.starts(with: "-ERR".utf8)
        let shown = shape(line, text)
        printer.out(failed ? style.paint(shown, .red) : shown)
        return failed ? .commandFailed : .ok
    }

    /// `--output` for one switch: tables converted, a note when a table-like answer had to stay raw.
    package static func shaping(_ formatter: TableFormatter, printer: Printer) -> (String, String) -> String {
        { line, text in
            if let reason = formatter.unconverted(text) { printer.note("\(line): \(reason)") }
            return formatter.format(text)
        }
    }
}
