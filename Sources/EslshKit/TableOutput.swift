import ConsoleUI
#if canImport(Glibc)
import Glibc
#endif

/// How `show` tables are printed on standard output (`--output`, `--wide`).
package struct TableOutput: Sendable {
    package var format: OutputFormat?
    package var wide = false

    package init(format: OutputFormat?, wide: Bool) {
        self.format = format
        self.wide = wide
    }

    /// The format in effect: the option, else a table for a terminal and raw for anything else, so
    /// pipelines get what the switch sent.
    package var effectiveFormat: OutputFormat { format ?? (isatty(1) == 1 ? .table : .raw) }

    /// The formatter for standard output: tables fitted to the terminal's width, none when stdout is
    /// not a terminal (nothing to fit).
    package func formatter(style: Style) -> TableFormatter {
        if effectiveFormat == .table { Self.measureCharacters() }
        return TableFormatter(format: effectiveFormat, width: TerminalSize.columns(), wide: wide, style: style)
    }

    /// wcwidth knows wide (CJK) characters only in a UTF-8 locale; only the character type is set, so
    /// messages and formats stay as they were.
    package static func measureCharacters() {
        setlocale(LC_CTYPE, "")
        if String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" { setlocale(LC_CTYPE, "C.UTF-8") }
    }
}

extension Invocation {
    package var tables: TableOutput { TableOutput(format: output, wide: wide) }
}
