/// Why a command on an open connection did not get its answer.
public enum ConnectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No reply within the reply timeout. The connection stays usable; the late reply is discarded.
    case timedOut(command: String, milliseconds: Int)
    /// The connection ended; the cause says how (a goodbye notice, the peer closing, a lost connection).
    case closed(CloseCause)
    case protocolError(DecodeError)
    case encoding(CommandError)
    /// The wait was cancelled by the user; a late reply is discarded.
    case cancelled
    /// The server answered `-ERR` to a command the caller cannot go on without (a subscription).
    case refused(command: String, replyText: String)
    /// A background job's result arrived but could not be read (a BACKGROUND_JOB whose inner
    /// `Content-Length` lies): the job ended, its output is unknown.
    case malformedResult(job: String, reason: String)

    public var description: String {
        switch self {
        case .timedOut(let command, let milliseconds): return "no reply to '\(command.escapedForDisplay)' within \(milliseconds) ms"
        case .closed(let cause): return cause.description
        case .protocolError(let error): return error.description
        case .encoding(let error): return error.description
        case .cancelled: return "cancelled"
        case .refused(let command, let replyText): return "\(command): \(replyText)"
        case .malformedResult(let job, let reason): return "the result of job \(job) was malformed (\(reason))"
        }
    }
}

extension String {
    package var trimmingLineBreaks: String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == "\r" || last == " " { text.removeLast() }
        while let first = text.first, first == "\n" || first == "\r" || first == " " { text.removeFirst() }
        return String(text)
    }
}
