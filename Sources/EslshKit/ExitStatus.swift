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
    /// The connection was lost, or the server broke the protocol (a malformed frame, a background
    /// job's malformed result).
    case connectionLost = 6
    /// Output could not be written: standard output (a full disk, an I/O error, /dev/full) or the
    /// `--record` file. One line on stderr says which and why.
    case outputFailed = 7
    /// Ctrl-C at the console's prompt with `-i` (fs_cli's interrupt option).
    case interrupted = 130
    /// The reader of standard output went away (`| head -1`): the run stopped quietly, with the status
    /// a filter killed by SIGPIPE has (128 + 13), so pipelines read it as shells always have.
    case outputClosed = 141

    package static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.rawValue < rhs.rawValue }

    package static let summary = """
        Exit codes: 0 all good; 1 a command answered -ERR; 2 usage error; 3 could not connect \
        (resolve, refused, timeout); 4 authentication or ACL rejection; 5 a reply timed out (-t); \
        6 the connection was lost or the server broke the protocol (a malformed frame or job result); 7 output could not be written (stdout or the --record file); \
        130 Ctrl-C with -i; 141 the reader of stdout went away (as a filter ended by SIGPIPE). With \
        several hosts, the highest of the hosts' codes.
        """

    /// The status a run ends with once its output is accounted for: a closed stdout ends it as 141
    /// whatever else happened (nothing more could be said); a failed write is at least 7.
    package static func final(_ status: ExitStatus) -> ExitStatus {
        switch Printer.outputState {
        case .writing: return status
        case .readerGone: return .outputClosed
        case .failed: return status == .outputClosed ? status : max(status, .outputFailed)
        }
    }
}
