import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// XML events: `<event><headers><Name>value</Name>…</headers>[<Content-Length>n</Content-Length><body>…</body>]</event>`.
/// Values are URL-encoded inside the XML, as in plain events. Parsed with Foundation's XMLParser.
enum XMLEventCodec {
    private final class Collector: NSObject, XMLParserDelegate {
        var path: [String] = []
        var text = ""
        var headers: [Header] = []
        var body: String?
        var sawEvent = false
        var error: Error?

        // On Linux, parse() can return true after an error; the delegate hears of it reliably.
        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            if error == nil { error = parseError }
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            if path.isEmpty, name == "event" { sawEvent = true }
            path.append(name)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, foundCDATA block: Data) { text += String(decoding: block, as: UTF8.self) }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if path.count == 3, path[1] == "headers" {
                PercentCoding.appendSplittingArray(name: name, value: PercentCoding.decode(text), to: &headers)
            } else if path.count == 2, name == "body" {
                body = text
            }
            path.removeLast()
            text = ""
        }
    }

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Event {
        try screen(bytes)
        let parser = XMLParser(data: Data(bytes))
        let collector = Collector()
        parser.delegate = collector
        parser.shouldResolveExternalEntities = false
        let parsed = parser.parse()
        if !parsed || collector.error != nil || parser.parserError != nil {
            let code = ((collector.error ?? parser.parserError) as NSError?)?.code ?? 0
            throw .malformedEvent(format: "xml", reason: "\(describe(code)) at line \(parser.lineNumber)")
        }
        guard collector.sawEvent else {
            throw .malformedEvent(format: "xml", reason: "no <event> element")
        }
        return Event(headers: Headers(collector.headers), body: collector.body)
    }

    /// FreeSWITCH's event XML is plain elements and text: no declaration, processing instructions,
    /// DOCTYPE, entities, comments or CDATA. Anything else is refused before XMLParser sees it, because
    /// fuzzing found FoundationXML crashing on hostile input (a trap on a non-UTF-8 element name, a NULL
    /// dereference on an empty processing instruction), and a DOCTYPE could define entities that expand
    /// without bound.
    static func screen(_ bytes: [UInt8]) throws(DecodeError) {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw .malformedEvent(format: "xml", reason: "not valid UTF-8")
        }
        guard !bytes.contains(0) else { throw .malformedEvent(format: "xml", reason: "contains a NUL byte") }
        var index = bytes.startIndex
        while let open = bytes[index...].firstIndex(of: UInt8(ascii: "<")) {
            let next = open + 1 < bytes.endIndex ? bytes[open + 1] : 0
            if next == UInt8(ascii: "?") || next == UInt8(ascii: "!") {
                throw .malformedEvent(format: "xml", reason: "declarations, processing instructions, DOCTYPE, comments and CDATA are not part of FreeSWITCH events")
            }
            index = open + 1
        }
    }

    /// libxml2's error numbers, as XMLParser reports them, for the common cases.
    private static func describe(_ code: Int) -> String {
        switch code {
        case 4: return "not XML (empty document or text outside any element)"
        case 5: return "unexpected end of the document or content after it"
        case 76: return "mismatched closing tag"
        case 73: return "a tag is not closed"
        case 68, 23: return "invalid character or entity"
        default: return "XML error \(code)"
        }
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
