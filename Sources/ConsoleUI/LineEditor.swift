import CLibEdit
#if canImport(Glibc)
import Glibc
#endif

/// What one `readLine()` gave.
public enum EditorInput: Equatable, Sendable {
    case line(String)
    /// Ctrl-C at the prompt: the line was abandoned.
    case interrupted
    /// Ctrl-D on an empty line.
    case endOfInput
    /// SIGTERM/SIGHUP, or `onWake` asked to stop (the connection ended).
    case stopped
}

/// libedit, driven the one way that survived testing (see the libedit notes): the main thread sits in
/// `el_gets` with a custom read function that `poll()`s stdin and a wake pipe. Output that arrives while
/// the user types is written above the prompt from inside that function, then libedit redraws the prompt
/// and the half-typed line. Main thread only.
public final class LineEditor {
    private let el: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?
    private let wake: WakePipe
    private var promptBuffer: UnsafeMutablePointer<CChar>
    private var promptWidth = 0
    private var decoder = mbstate_t()
    private var reading = false
    private var interrupted = false
    private var stopped = false
    private var pendingInterrupt = false
    /// The line and candidates of the last list Tab showed.
    private var lastListing: String?

    /// Called when the wake pipe says the reader queued something: returns the text to show, and
    /// whether the session is over (the connection ended).
    public var onWake: () -> (text: String, stop: Bool) = { ("", false) }
    /// Tab: called with the text before and after the cursor.
    public var complete: (_ before: String, _ after: String) -> Completion? = { _, _ in nil }
    /// F1…F12: the line each key runs.
    public var functionKeys: [String] = LineEditor.defaultFunctionKeys
    /// fs_cli's `key_toggle_Fn`: when set, presses of Fn alternate between `functionKeys` and this.
    public var functionKeyToggles: [String?] = Array(repeating: nil, count: 12)
    private var toggled = Array(repeating: false, count: 12)

    public static let defaultFunctionKeys = [
        "help", "status", "show channels", "show calls", "sofia status", "reloadxml", "/log console", "/log debug",
        "sofia status profile internal", "fsctl pause", "fsctl resume", "version",
    ]

    /// Without UTF-8 in the locale, libedit mangles non-ASCII input.
    public static func prepareLocale() {
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        if codeset != "UTF-8" { setlocale(LC_CTYPE, "C.UTF-8") }
    }

    public init(prompt: String, historyPath: String?, wake: WakePipe) {
        Self.prepareLocale()
        self.wake = wake
        self.historyPath = historyPath
        el = el_init("eslsh", eslsh_stdin(), eslsh_stdout(), eslsh_stderr())
        history = history_init()
        promptBuffer = strdup("")
        eslsh_history_setsize(history, Int32(HistoryPolicy.size))
        eslsh_history_setunique(history, 1)
        if let historyPath { _ = eslsh_history_load(history, historyPath) }
        eslsh_el_set_history(el, history)
        eslsh_el_set_editor(el, "emacs")
        eslsh_el_set_signal(el, 0)
        eslsh_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        eslsh_el_set_prompt(el) { el in LineEditor.from(el)?.promptBuffer }
        eslsh_el_set_getcfn(el) { el, character in LineEditor.from(el)?.readCharacter(character) ?? -1 }
        eslsh_el_addfn(el, "eslsh-complete", "Complete the word", { el, _ in LineEditor.from(el)?.tab() ?? UInt8(CC_ERROR) })
        eslsh_el_bind(el, "^I", "eslsh-complete")
        eslsh_el_addfn(el, "eslsh-interrupt", "Abandon the line", { el, _ in LineEditor.from(el)?.interrupt() ?? UInt8(CC_ERROR) })
        eslsh_el_bind(el, "^C", "eslsh-interrupt")
        eslsh_el_bind(el, "\\e[3~", "ed-delete-next-char")
        eslsh_el_bind(el, "^R", "em-inc-search-prev")
        bindFunctionKeys(el)
        _ = el_source(el, nil)  // ~/.editrc (or $EDITRC) last, so the user's bindings win
        setPrompt(prompt)
    }

    deinit {
        el_end(el)
        history_end(history)
        free(promptBuffer)
    }

    private static func from(_ el: OpaquePointer?) -> LineEditor? {
        guard let el, let data = eslsh_el_get_clientdata(el) else { return nil }
        return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
    }

    /// The prompt shown now.
    public private(set) var prompt = ""

    /// The prompt; colour codes must sit between `\u{1}` markers so they take no width.
    public func setPrompt(_ prompt: String) {
        self.prompt = prompt
        free(promptBuffer)
        promptBuffer = strdup(prompt)
        promptWidth = DisplayWidth.of(DisplayWidth.visible(prompt))
    }

    /// Reads one line with editing. Output that arrives meanwhile is shown above the prompt.
    public func readLine() -> EditorInput {
        interrupted = false
        reading = true
        var count: Int32 = 0
        let result = el_gets(el, &count)
        reading = false
        if stopped { return .stopped }
        if interrupted { return .interrupted }
        guard let result, count > 0 else { return .endOfInput }
        var line = String(cString: result)
        while line.last == "\n" || line.last == "\r" { line.removeLast() }
        return .line(line)
    }

    /// Asks a question in place of the prompt and reads the answer (a line, or how reading ended);
    /// the prompt comes back afterwards. The answer is not added to the history.
    public func ask(_ question: String) -> EditorInput {
        let saved = String(cString: promptBuffer)
        setPrompt(question)
        defer { setPrompt(saved) }
        return readLine()
    }

    /// Adds a line to the history and saves the file at once (a crash or kill loses nothing). Lines that
    /// may hold a secret are never stored.
    public func remember(_ line: String) {
        guard HistoryPolicy.shouldStore(line) else { return }
        eslsh_history_enter(history, line)
        guard let historyPath else { return }
        Self.createPrivateFile(historyPath)
        _ = eslsh_history_save(history, historyPath)
        chmod(historyPath, 0o600)
    }

    /// Makes the directories (0700) and the file (0600) before libedit's fopen creates it world-readable.
    static func createPrivateFile(_ path: String) {
        var directory = ""
        for part in path.split(separator: "/").dropLast() {
            directory += "/" + part
            mkdir(directory, 0o700)
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
    }

    /// Writes text above the prompt and the half-typed line, then has libedit redraw them below it.
    /// Outside `readLine` it simply writes.
    public func show(_ text: String, fd: Int32 = 1, redraw: Bool = true, columns: Int? = nil) {
        guard !text.isEmpty || !redraw else { return }
        guard reading else { return Terminal.write(text, fd: fd) }
        let typed = lineText(el_line(el).pointee, toCursor: true)
        let rows = DisplayWidth.rowsAboveCursor(promptWidth: promptWidth, textWidthBeforeCursor: DisplayWidth.of(typed),
                                                columns: columns ?? Int(eslsh_el_columns(el)))
        var out = rows > 0 ? "\u{1B}[\(rows)A" : ""
        out += "\r\u{1B}[J"
        // The terminal is in libedit's raw mode: a bare line feed would not return the carriage.
        if !text.isEmpty { out += Self.rawLines(text) }
        Terminal.write(out, fd: fd)
        if redraw { eslsh_el_refresh(el) }
    }

    /// Ctrl-C ended the wait for a reply. The terminal may already have echoed the key as `^C` (it is in
    /// cooked mode while no line is read): the notice starts over that echo instead of after it.
    public func showCancelledWait(style: Style) {
        show("\r" + style.paint("^C: cancelled; the reply, if it comes, will be discarded.", .dim) + "\n")
    }

    /// `show`, with the line redrawn under the text behind a new prompt: the old prompt is cleared with
    /// its own width first (the outbound console's prompt names the current call, which can change).
    public func show(_ text: String, prompt newPrompt: String) {
        guard reading else {
            setPrompt(newPrompt)
            return Terminal.write(text)
        }
        show(text, redraw: false)
        setPrompt(newPrompt)
        eslsh_el_refresh(el)
    }

    static func rawLines(_ text: String) -> String {
        (text.hasSuffix("\n") ? text : text + "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().joined(separator: "\r\n") + "\r\n"
    }

    // MARK: - libedit callbacks

    /// EL_GETCFN: one character from stdin, handling wake-ups and signals while waiting for it.
    private func readCharacter(_ character: UnsafeMutablePointer<wchar_t>?) -> Int32 {
        while true {
            if pendingInterrupt {
                pendingInterrupt = false
                character?.pointee = 3
                return 1
            }
            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.readFD, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, -1) < 0 { if errno == EINTR { continue } else { return -1 } }
            if fds[1].revents != 0 {
                handle(wake.drain())
                if stopped { return 0 }
                continue
            }
            guard fds[0].revents != 0 else { continue }
            var byte: CChar = 0
            let count = read(0, &byte, 1)
            if count < 0 { if errno == EINTR || errno == EAGAIN { continue } else { return -1 } }
            if count == 0 { return 0 }
            var wide: wchar_t = 0
            let used = mbrtowc(&wide, &byte, 1, &decoder)
            if used == -2 { continue }  // part of a multibyte character: read on
            if used == -1 {
                decoder = mbstate_t()
                wide = wchar_t(UInt8(bitPattern: byte))
            }
            character?.pointee = wide
            return 1
        }
    }

    private func handle(_ bytes: [UInt8]) {
        var wantsOutput = false
        for byte in bytes {
            switch Int32(byte) {
            case Int32(WakePipe.inbound): wantsOutput = true
            case SIGINT: pendingInterrupt = true
            case SIGTERM, SIGHUP:
                show("", redraw: false)
                stopped = true
            case SIGWINCH:
                // The terminal has already re-wrapped the line at the new width (tmux, VTE and most
                // others reflow): clear it as it now stands, then let libedit draw it afresh.
                if let columns = TerminalSize.columns() { show("", redraw: false, columns: columns) }
                el_resize(el)
                eslsh_el_refresh(el)
            case SIGTSTP:
                eslsh_el_prep_term(el, 0)
                WakePipe.suspend()
                eslsh_el_prep_term(el, 1)
                eslsh_el_refresh(el)
            default: break
            }
        }
        guard wantsOutput else { return }
        let (text, stop) = onWake()
        // When the session ends here (or a SIGTERM in the same wake-up ended it), the prompt is cleared
        // away instead of redrawn under the last words.
        show(text, redraw: !stop && !stopped)
        if stop { stopped = true }
    }

    /// Ctrl-C at the prompt: shows `^C` at the end of the line and abandons it.
    private func interrupt() -> UInt8 {
        moveToEnd()
        _ = el_insertstr(el, "^C")
        interrupted = true
        // A pushed newline ends the line the normal way (cursor to the bottom, a fresh row).
        el_push(el, "\n")
        return UInt8(CC_REFRESH)
    }

    /// The line (up to the cursor, or all of it) as text.
    private func lineText(_ info: LineInfo, toCursor: Bool) -> String {
        let end = toCursor ? info.cursor! : info.lastchar!
        return String(decoding: UnsafeRawBufferPointer(start: info.buffer, count: end - info.buffer!), as: UTF8.self)
    }

    /// libedit counts characters, the buffer holds bytes.
    private func moveToEnd() {
        let info = el_line(el).pointee
        let after = String(decoding: UnsafeRawBufferPointer(start: info.cursor, count: info.lastchar - info.cursor!), as: UTF8.self)
        _ = el_cursor(el, Int32(after.unicodeScalars.count))
    }

    private func tab() -> UInt8 {
        let info = el_line(el).pointee
        let before = lineText(info, toCursor: true)
        let after = String(decoding: UnsafeRawBufferPointer(start: info.cursor, count: info.lastchar - info.cursor!), as: UTF8.self)
        guard let completion = complete(before, after)?.shown else { return UInt8(CC_REFRESH) }
        // The same list for the same line was just shown: Tab again does not repeat it.
        let listing = completion.candidates.isEmpty ? nil : before + "\u{0}" + completion.candidates.joined(separator: "\u{0}")
        if let listing, listing != lastListing {
            show(Columns.layout(completion.candidates, width: Int(eslsh_el_columns(el))))
        } else if listing != nil, completion.insert.isEmpty {
            Terminal.write("\u{07}")
        }
        lastListing = listing
        if completion.replace > 0 { el_deletestr(el, Int32(completion.replace)) }
        if !completion.insert.isEmpty { _ = el_insertstr(el, completion.insert) }
        if completion.candidates.isEmpty && completion.insert.isEmpty { Terminal.write("\u{07}") }  // bell: nothing to add
        return UInt8(CC_REFRESH)
    }

    func functionKey(_ number: Int) -> UInt8 {
        guard functionKeys.indices.contains(number - 1), !functionKeys[number - 1].isEmpty else {
            show("F\(number) is not bound.\n")
            return UInt8(CC_REFRESH)
        }
        // As fs_cli: what was typed goes, the key's command takes its place and runs.
        var line = functionKeys[number - 1]
        if let toggle = functionKeyToggles[number - 1] {
            if toggled[number - 1] { line = toggle }
            toggled[number - 1].toggle()
        }
        moveToEnd()
        el_deletestr(el, Int32(lineText(el_line(el).pointee, toCursor: true).unicodeScalars.count))
        _ = el_insertstr(el, line)
        el_push(el, "\n")
        return UInt8(CC_REFRESH)
    }
}
