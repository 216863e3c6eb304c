import ArgumentParser
import ConsoleUI
#if canImport(Glibc)
import Glibc
#endif

extension OutputFormat: ExpressibleByArgument {}

/// How answers that are tables are printed, and the console's confirmations.
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("output"), help: ArgumentHelp(
        "How `show` tables are printed: raw (as the switch sent them), table (aligned), json (an array of objects) or csv. Default: table at a terminal, raw otherwise. Other answers are never changed.",
        valueName: "format"))
    var format: OutputFormat?

    @Flag(name: .customLong("wide"), help: "Tables keep every column and whole cells, however wide the terminal (the console's /wide).")
    var wide = false

    @Flag(name: .customLong("yes"), help: "Do not ask before commands that drop calls or stop the switch (hupall, shutdown, sofia profile stop and the like) in the console.")
    var yes = false

    /// The format in effect: the option, else a table for a terminal and raw for anything else, so
    /// pipelines get what the switch sent.
    var effectiveFormat: OutputFormat { format ?? (isatty(1) == 1 ? .table : .raw) }

    /// The formatter for standard output: tables fitted to the terminal's width, none when stdout is
    /// not a terminal (nothing to fit).
    func formatter(style: Style) -> TableFormatter {
        if effectiveFormat == .table { Self.measureCharacters() }
        return TableFormatter(format: effectiveFormat, width: Self.terminalColumns(), wide: wide, style: style)
    }

    /// wcwidth knows wide (CJK) characters only in a UTF-8 locale; only the character type is set, so
    /// messages and formats stay as they were.
    static func measureCharacters() {
        setlocale(LC_CTYPE, "")
        if String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" { setlocale(LC_CTYPE, "C.UTF-8") }
    }

    static func terminalColumns(_ fd: Int32 = 1) -> Int? {
        var size = winsize()
        guard isatty(fd) == 1, ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
