import FoundationEssentials

/// JSON events: one object, header name → string (or array of strings for multi-values), the body as
/// `_body`. Parsed with Foundation's JSONDecoder; header order and repeated keys are kept (see decode).
enum JSONEventCodec {
    /// One member's value: FreeSWITCH sends strings (arrays of strings for multi-values); numbers,
    /// booleans and null from hand-made events are kept as their text rather than rejected.
    private struct Value: Decodable {
        var strings: [String]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { strings = [text] }
            else if let list = try? container.decode([String].self) { strings = list }
            else if let number = try? container.decode(Int.self) { strings = [String(number)] }
            else if let number = try? container.decode(Double.self) { strings = [String(number)] }
            else if let flag = try? container.decode(Bool.self) { strings = [String(flag)] }
            else if container.decodeNil() { strings = [""] }
            else { throw DecodingError.dataCorruptedError(in: container, debugDescription: "a value is neither a string nor a list of strings") }
        }
    }

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Event {
        // Foundation's JSONDecoder parses and validates the object. It keeps one value per key, but
        // FreeSWITCH repeats keys (a CODEC event has Channel-Write-Codec-Name twice) and its order
        // matters to readers, so a light scan lists the members in order, repeats included, and a
        // repeated key's other occurrences are decoded from their own text.
        let object: [String: Value]
        do {
            object = try JSONDecoder().decode([String: Value].self, from: Data(bytes))
        } catch let error as DecodingError {
            throw .malformedEvent(format: "json", reason: describe(error))
        } catch {
            throw .malformedEvent(format: "json", reason: "not a JSON object")
        }
        let members = scanMembers(bytes)
        var counts: [String: Int] = [:]
        for member in members { counts[member.key, default: 0] += 1 }
        var headers: [Header] = []
        var body: String?
        var seen = Set<String>()
        for member in members {
            let values: [String]
            if counts[member.key] == 1, let value = object[member.key] {
                values = value.strings
            } else if let value = try? JSONDecoder().decode([Value].self, from: Data([UInt8(ascii: "[")] + bytes[member.value] + [UInt8(ascii: "]")])) {
                values = value.first?.strings ?? []
            } else {
                continue
            }
            seen.insert(member.key)
            if member.key == "_body" {
                body = values.joined()
            } else {
                for value in values { headers.append(Header(member.key, value)) }
            }
        }
        // Keys the scan could not name exactly (escapes in the key) still come through.
        for (key, value) in object where !seen.contains(key) {
            if key == "_body" { body = value.strings.joined() } else { for text in value.strings { headers.append(Header(key, text)) } }
        }
        var result = Headers(headers)
        if body != nil { result.removeLast(named: "Content-Length") }
        return Event(headers: result, body: body)
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context): return context.underlyingError.map { "\($0)" } ?? context.debugDescription
        case .typeMismatch(_, let context): return context.codingPath.isEmpty ? "not a JSON object" : context.debugDescription
        case .keyNotFound(let key, _): return "missing \(key.stringValue)"
        case .valueNotFound(_, let context): return context.debugDescription
        @unknown default: return "invalid JSON"
        }
    }

    /// The top-level members in text order: each key's raw text and its value's byte range. Only
    /// strings and nesting are tracked; the values themselves are left to JSONDecoder.
    static func scanMembers(_ bytes: [UInt8]) -> [(key: String, value: Range<Int>)] {
        var members: [(key: String, value: Range<Int>)] = []
        var depth = 0
        var index = 0
        var expectKey = false
        var pendingKey: String?
        var valueStart = 0
        func closeValue(at end: Int) {
            if let key = pendingKey { members.append((key, valueStart..<end)) }
            pendingKey = nil
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth == 1 { expectKey = byte == UInt8(ascii: "{") }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 1 { closeValue(at: index) }
                depth -= 1
            case UInt8(ascii: ","):
                if depth == 1 {
                    closeValue(at: index)
                    expectKey = true
                }
            case UInt8(ascii: ":"):
                if depth == 1, pendingKey != nil { valueStart = index + 1 }
            case UInt8(ascii: "\""):
                let start = index + 1
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    index += 1
                }
                if expectKey, depth == 1 {
                    pendingKey = String(decoding: bytes[start..<min(index, bytes.count)], as: UTF8.self)
                    expectKey = false
                }
            default:
                break
            }
            index += 1
        }
        return members
    }

    /// One object, FreeSWITCH's member order; consecutive repeats of a name become an array. Written
    /// straight into bytes: this runs once per event in `--format ndjson`.
    static func encode(_ event: Event) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(event.headers.count * 48 + (event.body?.utf8.count ?? 0) + 32)
        out.append(UInt8(ascii: "{"))
        var first = true
        var index = 0
        let list = event.headers.list
        while index < list.count {
            var end = index + 1
            while end < list.count, list[end].name == list[index].name { end += 1 }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            appendQuoted(list[index].name, to: &out)
            out.append(UInt8(ascii: ":"))
            if end - index == 1 {
                appendQuoted(list[index].value, to: &out)
            } else {
                out.append(UInt8(ascii: "["))
                for position in index..<end {
                    if position > index { out.append(UInt8(ascii: ",")) }
                    appendQuoted(list[position].value, to: &out)
                }
                out.append(UInt8(ascii: "]"))
            }
            index = end
        }
        if let body = event.body {
            if !first { out.append(UInt8(ascii: ",")) }
            appendQuoted("Content-Length", to: &out)
            out.append(UInt8(ascii: ":"))
            appendQuoted(String(body.utf8.count), to: &out)
            out.append(UInt8(ascii: ","))
            appendQuoted("_body", to: &out)
            out.append(UInt8(ascii: ":"))
            appendQuoted(body, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        appendQuoted(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A JSON string: `"` and `\\` escaped, control characters as \\n, \\r, \\t or \\u00XX; UTF-8 as is.
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(byte)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
