/// JSON events: one object, header name → string (or array of strings for multi-values), the body as
/// `_body`. Read by `JSONEventReader`, which keeps the server's member order and repeated keys.
enum JSONEventCodec {
    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Event {
        var (fields, body, escapedKey, lengthField) = try JSONEventReader.read(bytes)
        // The body's length is framing, not a header of the event (as in plain events).
        if body != nil, let lengthField { fields.remove(at: lengthField) }
        let table = HeaderTable(bytes: bytes, fields: fields, extras: [])
        guard escapedKey else { return Event(headers: Headers(table: table), body: body) }
        // A key with escapes (never from FreeSWITCH) is not a byte range: make the headers now.
        let headers = bytes.withUnsafeBufferPointer { base in
            fields.indices.map { index in
                let field = fields[index]
                return Header(JSONEventReader.unescape(UnsafeBufferPointer(rebasing: base[Int(field.nameStart)..<Int(field.nameEnd)])), table.value(index))
            }
        }
        return Event(headers: Headers(headers), body: body)
    }

    /// The event's JSON appended to `out`: from the received bytes when the headers are still those.
    static func append(_ event: Event, to out: inout [UInt8]) {
        guard let table = event.headers.table else { return out.append(contentsOf: encode(event)) }
        out.append(UInt8(ascii: "{"))
        let wrote = table.appendJSONMembers(to: &out)
        appendBody(event.body, first: !wrote, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    private static func appendBody(_ body: String?, first: Bool, to out: inout [UInt8]) {
        guard let body else { return }
        if !first { out.append(UInt8(ascii: ",")) }
        JSONText.appendQuoted("Content-Length", to: &out)
        out.append(UInt8(ascii: ":"))
        JSONText.appendQuoted(String(body.utf8.count), to: &out)
        out.append(UInt8(ascii: ","))
        JSONText.appendQuoted("_body", to: &out)
        out.append(UInt8(ascii: ":"))
        JSONText.appendQuoted(body, to: &out)
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
            JSONText.appendQuoted(list[index].name, to: &out)
            out.append(UInt8(ascii: ":"))
            if end - index == 1 {
                JSONText.appendQuoted(list[index].value, to: &out)
            } else {
                out.append(UInt8(ascii: "["))
                for position in index..<end {
                    if position > index { out.append(UInt8(ascii: ",")) }
                    JSONText.appendQuoted(list[position].value, to: &out)
                }
                out.append(UInt8(ascii: "]"))
            }
            index = end
        }
        appendBody(event.body, first: first, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
