import ConsoleUI
import ESLProtocol

/// The console's tables: `show` answers aligned to the terminal (or as `/output` says), `/wide`.
extension ConsoleSession {
    /// A command's answer as the console shows it.
    package func present(_ response: Response) -> String {
        guard !response.isError, tables.format != .raw else { return view.render(response) }
        var formatter = tables
        formatter.width = TerminalSize.columns()
        // The console always escapes: the cells are laid out as they will be shown.
        let text = TerminalText.safe.rawLines(Renderer().render(response))
        if let reason = formatter.unconverted(text) { return text + style.paint("(\(reason))", .dim) + "\n" }
        return formatter.format(text)
    }

    /// A streamed answer (over 1 MiB), read whole so that it is shown as any other answer (a `show`
    /// table converted). Past `ScriptRunner.shapeLimit` it is shown as it comes instead, after a note,
    /// as a script does: the answer is the peer's to size, the memory is not. nil once shown so.
    package func showWhole(_ stream: any BodyStream, _ line: String) -> Result<APIResponse?, ConnectionError> {
        var bytes: [UInt8] = []
        do throws(ConnectionError) {
            while let chunk = try stream.next() {
                bytes += chunk
                guard bytes.count > ScriptRunner.shapeLimit else { continue }
                editor.show(style.paint("eslsh: the answer to '\(line.escapedForDisplay)' is over \(ScriptRunner.shapeLimit >> 20) MiB: printed as it came", .dim) + "\n", fd: 2)
                // Escaped as the console escapes everything (a byte pair split between pieces is held by
                // the escaper), then made text (a UTF-8 sequence split between pieces is held there).
                var escaping = VisibleText.Stream(.lines)
                var text = UTF8Pieces()
                editor.show(text.take(escaping.escape(bytes)))
                bytes = []
                var last: UInt8?
                while let more = try stream.next() {
                    last = more.last ?? last
                    editor.show(text.take(escaping.escape(more)))
                }
                editor.show(text.take(escaping.finish() ?? [], ending: true) + (last == 0x0A ? "" : "\n"))
                return .success(nil)
            }
        } catch {
            return .failure(error)
        }
        return .success(APIResponse(body: bytes))
    }

    /// `/wide` and `/output [format]`.
    package func runTableCommand(_ name: String, _ argument: String?) {
        if name == "wide" {
            tables.wide.toggle()
            return editor.show(tables.wide ? "Tables show every column and whole cells\n" : "Tables fit the terminal\n")
        }
        guard let argument else { return editor.show("Tables are shown as \(tables.format.rawValue)\n") }
        guard let format = OutputFormat(rawValue: argument.lowercased()) else {
            let names = OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
            return editor.show(style.paint("Unknown output \(argument): use \(names).", .red) + "\n")
        }
        tables.format = format
        editor.show("Tables are shown as \(format.rawValue)\n")
    }
}
