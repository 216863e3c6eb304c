#if canImport(Glibc)
import Glibc
#endif

/// The size of the terminal on a descriptor, asked of the kernel each time (it changes on SIGWINCH).
public enum TerminalSize {
    /// Columns of the terminal on `fd`, nil when it is not one.
    public static func columns(_ fd: Int32 = 1) -> Int? {
        var size = winsize()
        guard isatty(fd) == 1, ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
