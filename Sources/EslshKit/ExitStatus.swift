/// eslsh's exit codes, the contract scripts rely on (documented in `--help` and the man page).
package enum ExitStatus: Int32, Comparable {
    case ok = 0
    /// A command answered `-ERR` (or a background job's result began with `-ERR`).
    case commandFailed = 1
    /// Bad options or arguments.
    case usage = 2
    /// Could not connect: resolve, refused, timeout.
    case connectFailed = 3
    /// Authentication or ACL rejection.
    case rejected = 4
    /// A reply did not arrive within the reply timeout (`-t`).
    case timedOut = 5
    /// The connection was lost.
    case connectionLost = 6
    /// Ctrl-C at the console's prompt with `-i` (fs_cli's interrupt option).
    case interrupted = 130

    package static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.rawValue < rhs.rawValue }

    package static let summary = """
        Exit codes: 0 all good; 1 a command answered -ERR; 2 usage error; 3 could not connect \
        (resolve, refused, timeout); 4 authentication or ACL rejection; 5 a reply timed out (-t); \
        6 the connection was lost; 130 Ctrl-C with -i. With several hosts, the highest of the hosts' codes.
        """
}
