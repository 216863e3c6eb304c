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

extension String {
    /// The string with control characters shown as escapes (C0, DEL and the C1 range U+0080–U+009F,
    /// which terminals also obey), short enough for a one-line message: what a peer or a file says is
    /// quoted this way, never raw and never whole.
    public var escapedForDisplay: String {
        var out = ""
        for scalar in unicodeScalars.prefix(80) {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    out += "\\x" + String(scalar.value, radix: 16, uppercase: true)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        if unicodeScalars.count > 80 { out += "…" }
        return out
    }
}
