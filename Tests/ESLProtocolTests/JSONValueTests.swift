import ESLProtocol
import Testing

@Suite struct JSONValueTests {
    @Test func objectsKeepTheirOrderAndRepeats() throws {
        let value = try #require(JSONValue.parse(#" {"b": "1", "a": [true, null, -0.5e+3], "b": {"c": "\u00e9\ud83d\ude00\n"}} "#))
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a", "b"])
        #expect(value["b"] == .string("1"))
        #expect(value["a"] == .array([.literal("true"), .literal("null"), .literal("-0.5e+3")]))
        #expect(members[2].value["c"] == .string("\u{e9}\u{1F600}\n"))
    }

    @Test(arguments: ["0", "-1", "3.25", "1e9", "2E-3", "-0.0"])
    func numbersInJSONsGrammarAreLiterals(text: String) {
        #expect(JSONValue.parse(text) == .literal(text))
    }

    @Test(arguments: ["nan", "inf", "0x10", "+1", "1.", ".5", "1e", "--1", "tru", "\"\\u+041\"", "\"\\u00g0\"", "\"open", "[1,]", "{\"a\" 1}", "1 2"])
    func anythingElseIsRefused(text: String) {
        #expect(JSONValue.parse(text) == nil)
    }

    @Test func nestingIsBounded() {
        #expect(JSONValue.parse(String(repeating: "[", count: 60) + String(repeating: "]", count: 60)) != nil)
        #expect(JSONValue.parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)) == nil)
    }
}
