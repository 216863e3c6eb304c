/// XML events: `<event><headers><Name>value</Name>…</headers>[<Content-Length>n</Content-Length><body>…</body>]</event>`.
/// Values are URL-encoded inside the XML, as in plain events. Read by `XMLEventReader`.
enum XMLEventCodec {
    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Event {
        try XMLEventReader.read(bytes)
    }

    static func encode(_ event: Event) -> [UInt8] {
        var out = "<event>\n  <headers>\n"
        for header in event.headers {
            out += "    <\(header.name)>\(escaped(PercentCoding.encode(header.value)))</\(header.name)>\n"
        }
        out += "  </headers>\n"
        if let body = event.body {
            out += "  <Content-Length>\(body.utf8.count)</Content-Length>\n"
            out += "  <body>\(escaped(body))</body>\n"
        }
        out += "</event>\n"
        return Array(out.utf8)
    }

    private static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }
}
