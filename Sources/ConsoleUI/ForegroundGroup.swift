#if canImport(Glibc)
import Glibc
#endif

/// The console's own process group in the terminal's foreground, so the keyboard's signals (Ctrl-C,
/// Ctrl-\) reach the console alone. A shell without job control (`make demo`, a wrapper script) runs
/// eslsh in its own group: Ctrl-C at the prompt would also kill make and the script around it.
///
/// Only taken when eslsh shares the foreground group with its parent; an interactive shell already
/// gives each job its own group. Ctrl-Z goes back into the parent's group and stops that whole group,
/// so the parent's shell sees the job stop and `fg` continues all of it; the console then takes the
/// foreground again.
public enum ForegroundGroup {
    /// The group eslsh started in, while the console holds its own.
    nonisolated(unsafe) private static var original: pid_t = 0

    /// Takes the terminal on standard input for a group of our own; false when nothing was needed.
    @discardableResult
    public static func take() -> Bool {
        guard original == 0, isatty(0) == 1 else { return false }
        let group = getpgrp()
        guard group != getpid(), tcgetpgrp(0) == group else { return false }
        guard setpgid(0, 0) == 0 else { return false }
        guard foreground(getpid()) else {
            _ = setpgid(0, group)
            return false
        }
        original = group
        return true
    }

    /// Hands the terminal back to the group eslsh started in.
    public static func release() {
        guard original != 0 else { return }
        _ = foreground(original)
        _ = setpgid(0, original)
        original = 0
    }

    /// Ctrl-Z with the group taken: back into the group eslsh started in, which is stopped whole (the
    /// parent's shell sees its job stop); once continued, the foreground is taken again. False when no
    /// group was taken (the caller stops itself alone).
    static func stopWithParent() -> Bool {
        guard original != 0 else { return false }
        release()
        kill(0, SIGTSTP)
        take()
        return true
    }

    /// tcsetpgrp from a group that may be in the background: SIGTTOU would stop us, so it is held.
    private static func foreground(_ group: pid_t) -> Bool {
        var block = sigset_t(), saved = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGTTOU)
        pthread_sigmask(SIG_BLOCK, &block, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        return tcsetpgrp(0, group) == 0
    }
}
