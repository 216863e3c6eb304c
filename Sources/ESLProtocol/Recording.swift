#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One received frame and when it arrived: a line of a recording (`--record`).
public struct RecordedFrame: Sendable, Equatable {
    /// Receive time, microseconds since the epoch (UTC).
    public var time: Int
    public var frame: Frame

    public init(time: Int, frame: Frame) {
        self.time = time
        self.frame = frame
    }
}

/// A recording line that cannot be read back.
public struct RecordingError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The recording format: NDJSON, one frame per line, members in this order:
///
///     {"time":"2026-11-27T05:22:46.123456Z","type":"text/event-plain",
///      "headers":[["Content-Length","529"],["Content-Type","text/event-plain"]],"body":"Event-Name: …"}
///
/// `time` is the receive time in UTC with microseconds; `type` the Content-Type (null when absent), for
/// `jq` (the headers are what counts); `headers` the outer header block in order with repeats; `body` the
/// body as a string, or base64 with `"encoding":"base64"` (before `body`) when it is not valid UTF-8 or
/// was received in pieces. Writing `headers` as `Name: value` lines, a blank line and `body` gives the
/// bytes received back. Pure: no files here.
public enum Recording {
    /// The whole line for a frame, ending in a line break.
    public static func line(_ recorded: RecordedFrame) -> [UInt8] {
        let body = recorded.frame.body
        let text = String(validating: body, as: UTF8.self) != nil
        var out = head(time: recorded.time, headers: recorded.frame.headers, base64: !text)
        out.reserveCapacity(out.count + body.count + body.count / 3 + 8)
        if text {
            appendEscaped(body, to: &out)
        } else {
            var encoder = Base64Stream()
            encoder.append(body, to: &out)
            encoder.finish(&out)
        }
        out += "\"}\n".utf8
        return out
    }

    /// Everything of a line up to the opening quote of its body: for a body that arrives in pieces
    /// (always base64 then, since the pieces may split a UTF-8 sequence). Close it with `tail`.
    public static func head(time: Int, headers: Headers, base64: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: "{\"time\":\"".utf8)
        out.append(contentsOf: isoTime(time).utf8)
        out.append(contentsOf: "\",\"type\":".utf8)
        if let type = headers["Content-Type"] {
            out.append(0x22)
            appendEscaped(Array(type.utf8), to: &out)
            out.append(0x22)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: ",\"headers\":[".utf8)
        for (index, header) in headers.enumerated() {
            if index > 0 { out.append(0x2C) }
            out.append(contentsOf: "[\"".utf8)
            appendEscaped(Array(header.name.utf8), to: &out)
            out.append(contentsOf: "\",\"".utf8)
            appendEscaped(Array(header.value.utf8), to: &out)
            out.append(contentsOf: "\"]".utf8)
        }
        out.append(contentsOf: "],".utf8)
        if base64 { out.append(contentsOf: "\"encoding\":\"base64\",".utf8) }
        out.append(contentsOf: "\"body\":\"".utf8)
        return out
    }

    /// Closes a line begun with `head`.
    public static let tail: [UInt8] = Array("\"}\n".utf8)

    /// Reads one line back (without its line break).
    public static func decode<Bytes: Collection<UInt8>>(_ line: Bytes) throws(RecordingError) -> RecordedFrame {
        guard let parsed = JSONValue.parse(line), case .string(let timeText)? = parsed["time"],
              case .array(let pairs)? = parsed["headers"], case .string(let bodyText)? = parsed["body"] else {
            throw RecordingError("not a recorded frame (a JSON object with time, headers and body)")
        }
        guard let time = parseISOTime(timeText) else { throw RecordingError("bad time '\(timeText)'") }
        var headers: [Header] = []
        for pair in pairs {
            guard case .array(let strings) = pair, strings.count == 2,
                  case .string(let name) = strings[0], case .string(let value) = strings[1] else {
                throw RecordingError("a header must be [name, value]")
            }
            headers.append(Header(name, value))
        }
        let body: [UInt8]
        switch parsed["encoding"] {
        case nil, .literal("null")?:
            body = Array(bodyText.utf8)
        case .string("base64")?:
            guard let bytes = Base64.decode(bodyText.utf8) else { throw RecordingError("body is not valid base64") }
            body = bytes
        case .string(let other)?:
            throw RecordingError("unknown body encoding '\(other)'")
        default:
            throw RecordingError("the body encoding must be a string")
        }
        return RecordedFrame(time: time, frame: Frame(headers: Headers(headers), body: body))
    }

    /// Every line of a recording. A last line cut short (the recorder was killed) is left out and
    /// reported in `truncated`; any other bad line is an error naming its line number.
    public static func decodeAll(_ bytes: [UInt8]) throws(RecordingError) -> (frames: [RecordedFrame], truncated: Bool) {
        var frames: [RecordedFrame] = []
        var start = 0
        var number = 0
        while start < bytes.count {
            number += 1
            let end = bytes[start...].firstIndex(of: 0x0A)
            let line = bytes[start..<(end ?? bytes.count)]
            start = (end ?? bytes.count) + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            do throws(RecordingError) {
                frames.append(try decode(line))
            } catch {
                if end == nil { return (frames, true) }
                throw RecordingError("line \(number): \(error.message)")
            }
        }
        return (frames, false)
    }

    // MARK: - Time

    /// `2026-11-27T05:22:46.123456Z`.
    public static func isoTime(_ microseconds: Int) -> String {
        var seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let micros = microseconds - seconds * 1_000_000
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(micros), 6))Z"
    }

    /// The inverse of `isoTime`; fractions of any length up to microseconds are accepted.
    public static func parseISOTime(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == UInt8(ascii: "T"), bytes[13] == 0x3A, bytes[16] == 0x3A,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return nil }
        var micros = 0
        if bytes[19] == 0x2E {
            let digits = 20..<(bytes.count - 1)
            guard !digits.isEmpty, digits.count <= 6, let fraction = number(digits) else { return nil }
            micros = fraction * [1, 100_000, 10_000, 1000, 100, 10, 1][digits.count]
        } else if bytes.count != 20 {
            return nil
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Int(timegm(&parts)) * 1_000_000 + micros
    }

    // MARK: - Encoding

    /// JSON string contents: `"` and `\` escaped, control characters as escapes, the rest (valid
    /// UTF-8) as it is. Runs of plain bytes are copied whole: this runs for every byte recorded.
    static func appendEscaped(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { input in
            var runStart = 0
            for index in 0..<input.count {
                let byte = input[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index])) }
                runStart = index + 1
                switch byte {
                case 0x22: out.append(0x5C); out.append(0x22)
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                default:
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
                }
            }
            if runStart < input.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart...])) }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
