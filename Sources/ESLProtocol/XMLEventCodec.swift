/// XML events: `<event><headers><Name>value</Name>…</headers>[<Content-Length>n</Content-Length><body>…</body>]</event>`.
/// Values are URL-encoded inside the XML, as in plain events. Read by `XMLEventReader`.
enum XMLEventCodec {
    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Event {
        try XMLEventReader.read(bytes)
    }

    /// `leading`: elements written first in `<headers>`, their text escaped but not URL-encoded (they
    /// are eslsh's own, such as a fleet's `<host>`, not the switch's headers).
    static func encode(_ event: Event, leading: [(name: String, text: String)] = []) -> [UInt8] {
        var out = "<event>\n  <headers>\n"
        for element in leading { out += "    <\(element.name)>\(XMLText.escaped(element.text))</\(element.name)>\n" }
        for header in event.headers {
            out += "    <\(header.name)>\(XMLText.escaped(PercentCoding.encode(header.value)))</\(header.name)>\n"
        }
        out += "  </headers>\n"
        if let body = event.body {
            out += "  <Content-Length>\(body.utf8.count)</Content-Length>\n"
            out += "  <body>\(XMLText.escaped(body))</body>\n"
        }
        out += "</event>\n"
        return Array(out.utf8)
    }
}
