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
