import CNcurses
#if canImport(Glibc)
import Glibc
#endif

/// The full-screen views' terminal, through ncurses: terminfo knows the terminal (not only xterm), and
/// `refresh` sends only the cells that changed since the last frame. `start` saves the terminal's
/// modes and terminfo's current terminal; `stop` gives both back (libedit uses the same terminfo).
public final class CursesScreen {
    private var state = eslsh_curses()
    public private(set) var active = false

    public init() {}

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    public func start() throws(Unavailable) {
        guard !active else { return }
        // Wide characters need the locale's encoding (UTF-8), as libedit does.
        setlocale(LC_CTYPE, "")
        if String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" { setlocale(LC_CTYPE, "C.UTF-8") }
        guard eslsh_curses_start(&state) == 0 else {
            let term = getenv("TERM").map { String(cString: $0) } ?? ""
            throw Unavailable(description: "cannot use the terminal '\(TerminalText.visible(term))' full-screen (unknown to terminfo?)")
        }
        active = true
    }

    public func stop() {
        guard active else { return }
        eslsh_curses_stop(&state)
        active = false
    }

    deinit { stop() }

    /// Gives the terminal back for a while (Ctrl-Z): `body` runs with the shell's modes.
    public func paused(_ body: () -> Void) {
        guard active else { return body() }
        eslsh_curses_pause()
        body()
        eslsh_curses_resume()
    }

    /// The terminal's size now (from the tty: a resize is seen even when another SIGWINCH handler
    /// is installed), and ncurses told of it when it changed.
    public func size() -> (rows: Int, columns: Int) {
        var window = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &window) == 0, window.ws_row > 0, window.ws_col > 0 {
            let rows = Int(window.ws_row), columns = Int(window.ws_col)
            if rows != Int(eslsh_curses_rows()) || columns != Int(eslsh_curses_columns()) { eslsh_curses_resize(Int32(rows), Int32(columns)) }
            return (rows, columns)
        }
        return (Int(eslsh_curses_rows()), Int(eslsh_curses_columns()))
    }

    /// Draws a frame; ncurses compares it with the last one and sends the difference.
    public func draw(_ lines: [TopLayout.Line]) {
        eslsh_curses_erase()
        for (row, line) in lines.enumerated() {
            let bytes = Array(line.text.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    eslsh_curses_put(Int32(row), 0, chars.baseAddress, Int32(chars.count), Self.attributes(line.attribute))
                }
            }
        }
        eslsh_curses_refresh()
    }

    static func attributes(_ attribute: TopLayout.Attribute) -> Int32 {
        switch attribute {
        case .normal: return 0
        case .title: return eslsh_attr_bold()
        case .columns: return eslsh_attr_reverse()
        case .selected: return eslsh_attr_reverse() | eslsh_attr_bold()
        case .status: return eslsh_attr_dim()
        case .ringing: return eslsh_attr_color(3)
        case .hangingUp: return eslsh_attr_color(1)
        case .held: return eslsh_attr_color(4)
        }
    }

    /// The keys typed so far (none waiting: empty).
    public func keys() -> [TopState.Key] {
        var keys: [TopState.Key] = []
        var pending: [UInt8] = []
        while keys.count < 64 {
            let code = eslsh_curses_key()
            if code == ERR { break }
            switch code {
            case eslsh_key_up(): keys.append(.up)
            case eslsh_key_down(): keys.append(.down)
            case eslsh_key_page_up(): keys.append(.pageUp)
            case eslsh_key_page_down(): keys.append(.pageDown)
            case eslsh_key_enter(), 10, 13: keys.append(.enter)
            case eslsh_key_backspace(), 127, 8: keys.append(.backspace)
            case 27: keys.append(.escape)
            case eslsh_key_resize(): break
            case 0..<256:
                // UTF-8 arrives a byte at a time: a character once its sequence is whole.
                pending.append(UInt8(code))
                if let text = String(validating: pending, as: UTF8.self), let character = text.first {
                    keys.append(.character(character))
                    pending.removeAll()
                } else if pending.count >= 4 {
                    pending.removeAll()
                }
            default: break
            }
        }
        return keys
    }
}
