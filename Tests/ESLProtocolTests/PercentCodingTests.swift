import ESLProtocol
import TestSupport
import Testing

@Suite struct PercentCodingTests {
    @Test(arguments: [
        ("%41", "A"), ("a%20b", "a b"), ("%", "%"), ("100%", "100%"), ("%zz", "%zz"), ("%4", "%4"), ("%4g", "%4g"),
        ("a+b", "a+b"), ("%2B", "+"), ("%c3%a9", "é"), ("%C3%A9t%C3%A9", "été"), ("%E2%98%8E", "☎"),
        ("fd00%3A%3A2", "fd00::2"), ("", ""), ("%%41", "%A"), ("%0A", "\n"),
    ])
    func decode(encoded: String, decoded: String) {
        #expect(PercentCoding.decode(encoded) == decoded)
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        #expect(PercentCoding.decode("%FFa") == "\u{FFFD}a")
    }

    @Test(arguments: [
        ("hello world: 100% ok", "hello%20world%3A%20100%25%20ok"), ("fd00::2", "fd00%3A%3A2"),
        ("Fri, 27 Nov 2026 00:28:53 GMT", "Fri,%2027%20Nov%202026%2000%3A28%3A53%20GMT"),
        ("1.11.3-dev+git~2026", "1.11.3-dev%2Bgit~2026"), ("é", "%C3%A9"), ("a\nb", "a%0Ab"),
        // The server leaves an existing %XX (uppercase hex) alone.
        ("%41", "%41"), ("%4a", "%254a"),
    ])
    func encode(plain: String, encoded: String) {
        #expect(PercentCoding.encode(plain) == encoded)
    }
}
