import FoundationEssentials

/// JSON events: one object, header name → string (or array of strings for multi-values), the body as
/// `_body`. Parsed with Foundation's JSONDecoder; the key order it reports is restored to the order of
/// the text, so headers read the same as in plain events.
enum JSONEventCodec {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct Object: Decodable {
        var members: [(String, [String])] = []

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            for key in container.allKeys {
                members.append((key.stringValue, try Self.strings(in: container, key)))
            }
        }

        /// Strings as they are; numbers and booleans as their text (FreeSWITCH only sends strings, but a
        /// hand-made event should not be rejected for a number); arrays become multi-values.
        private static func strings(in container: KeyedDecodingContainer<AnyKey>, _ key: AnyKey) throws -> [String] {
            if let text = try? container.decode(String.self, forKey: key) { return [text] }
            if let number = try? container.decode(Int.self, forKey: key) { return [String(number)] }
            if let number = try? container.decode(Double.self, forKey: key) { return [String(number)] }
            if let flag = try? container.decode(Bool.self, forKey: key) { return [String(flag)] }
            if try container.decodeNil(forKey: key) { return [""] }
            if let list = try? container.decode([String].self, forKey: key) { return list }
            throw DecodingError.typeMismatch(String.self, .init(codingPath: [key], debugDescription: "value of \"\(key.stringValue)\" is not a string or a list of strings"))
        }
    }

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Event {
        let object: Object
        do {
            object = try JSONDecoder().decode(Object.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw .malformedEvent(format: "json", reason: describe(error))
        } catch {
            throw .malformedEvent(format: "json", reason: "not a JSON object")
        }
        let order = keyOrder(in: bytes)
        let members = object.members.sorted { (order[$0.0] ?? Int.max, $0.0) < (order[$1.0] ?? Int.max, $1.0) }
        var headers: [Header] = []
        var body: String?
        for (name, values) in members {
            if name == "_body" {
                body = values.joined()
                continue
            }
            for value in values { headers.append(Header(name, value)) }
        }
        var result = Headers(headers)
        if body != nil { result.removeLast(named: "Content-Length") }
        return Event(headers: result, body: body)
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context): return context.underlyingError.map { "\($0)" } ?? context.debugDescription
        case .typeMismatch(_, let context): return context.debugDescription
        case .keyNotFound(let key, _): return "missing \(key.stringValue)"
        case .valueNotFound(_, let context): return context.debugDescription
        @unknown default: return "invalid JSON"
        }
    }

    /// Position of each top-level key in the text. JSONDecoder hands keys over in hash order; this
    /// light scan (strings and nesting only, no values parsed) recovers the server's order.
    static func keyOrder(in bytes: [UInt8]) -> [String: Int] {
        var order: [String: Int] = [:]
        var depth = 0
        var index = 0
        var expectKey = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectKey = depth == 1 && byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectKey = depth == 1
            case UInt8(ascii: "\""):
                let start = index + 1
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    index += 1
                }
                if expectKey {
                    // Keys with escapes are rare; their raw text is close enough for ordering.
                    let key = String(decoding: bytes[start..<min(index, bytes.count)], as: UTF8.self)
                    if order[key] == nil { order[key] = order.count }
                    expectKey = false
                }
            default:
                break
            }
            index += 1
        }
        return order
    }

    static func encode(_ event: Event) -> [UInt8] {
        var out = "{"
        var first = true
        var index = 0
        let list = event.headers.list
        while index < list.count {
            // Consecutive repeats of one name are a multi-value: a JSON array.
            var end = index + 1
            while end < list.count, list[end].name == list[index].name { end += 1 }
            if !first { out += "," }
            first = false
            out += quoted(list[index].name) + ":"
            if end - index == 1 {
                out += quoted(list[index].value)
            } else {
                out += "[" + list[index..<end].map { quoted($0.value) }.joined(separator: ",") + "]"
            }
            index = end
        }
        if let body = event.body {
            if !first { out += "," }
            out += quoted("Content-Length") + ":" + quoted(String(body.utf8.count)) + ","
            out += quoted("_body") + ":" + quoted(body)
        }
        out += "}"
        return Array(out.utf8)
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
