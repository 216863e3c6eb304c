#if canImport(Glibc)
import Glibc
#endif

/// `--ask-password`: reads a line from the terminal with echo off. The terminal, not stdin, so a script
/// on stdin still works; the echo setting is restored whatever happens.
package enum PasswordPrompt {
    package struct Unavailable: Error, CustomStringConvertible {
        package var description: String { "--ask-password needs a terminal (/dev/tty); use ESL_PASSWORD or a profile instead" }
    }

    package static func ask(_ prompt: String) throws -> String {
        let tty = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard tty >= 0 else { throw Unavailable() }
        defer { close(tty) }
        var saved = termios()
        guard tcgetattr(tty, &saved) == 0 else { throw Unavailable() }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        quiet.c_lflag |= tcflag_t(ICANON)
        tcsetattr(tty, TCSAFLUSH, &quiet)
        defer { tcsetattr(tty, TCSAFLUSH, &saved) }
        Printer.write(tty, Array(prompt.utf8))
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(tty, &byte, 1) == 1, byte != 0x0A { line.append(byte) }
        Printer.write(tty, [0x0A])
        if line.last == 0x0D { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }
}
