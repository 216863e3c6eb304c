/// Why a byte stream could not be framed or a frame could not be understood.
/// Framing errors are fatal to the stream (it is out of step afterwards); the connection reports them and closes.
public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No blank line within the header block limit.
    case headerBlockTooLarge(limit: Int)
    /// `Content-Length` is larger than the body limit.
    case bodyTooLarge(length: Int, limit: Int)
    /// `Content-Length` is not a plain non-negative decimal number.
    case invalidContentLength(String)
    /// Two `Content-Length` headers disagree.
    case conflictingContentLength([String])
    /// An event body in the given format could not be parsed.
    case malformedEvent(format: String, reason: String)

    public var description: String {
        switch self {
        case .headerBlockTooLarge(let limit):
            return "protocol error: header block larger than \(limit) bytes"
        case .bodyTooLarge(let length, let limit):
            return "protocol error: Content-Length \(length) exceeds the \(limit)-byte limit"
        case .invalidContentLength(let value):
            return "protocol error: invalid Content-Length '\(value.escapedForDisplay)'"
        case .conflictingContentLength(let values):
            return "protocol error: conflicting Content-Length headers (\(values.map(\.escapedForDisplay).joined(separator: ", ")))"
        case .malformedEvent(let format, let reason):
            return "malformed \(format) event: \(reason)"
        }
    }
}
