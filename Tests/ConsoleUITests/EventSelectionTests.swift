import ConsoleUI
import ESLProtocol
import Testing

@Suite struct EventSelectionTests {
    let create = Event(name: "CHANNEL_CREATE", headers: [Header("Unique-ID", "a")])
    let answer = Event(name: "CHANNEL_ANSWER", headers: [Header("Unique-ID", "b")])
    let register = Event(name: "CUSTOM", subclass: "sofia::register")
    let expire = Event(name: "CUSTOM", subclass: "sofia::expire")

    @Test func namesAllAndCustomSubclasses() throws {
        let names = try EventSelection(words: ["channel_create", "CUSTOM", "sofia::register"])
        #expect(names.matches(create))
        #expect(!names.matches(answer))
        #expect(names.matches(register))
        #expect(!names.matches(expire))
        let custom = try EventSelection(words: ["CUSTOM"])
        #expect(custom.matches(register) && custom.matches(expire) && !custom.matches(create))
        let all = try EventSelection(words: ["ALL"])
        #expect([create, answer, register].allSatisfy(all.matches))
        #expect([create, answer, register].allSatisfy(EventSelection().matches))
    }

    @Test func oneCallsEventsAndLogLines() throws {
        let call = try EventSelection(words: ["ALL"], uuid: "a")
        #expect(call.matches(create))
        #expect(!call.matches(answer))
        #expect(!call.matches(register))
        #expect(call.matches(LogLine(level: 7, userData: "a", text: "x")))
        #expect(!call.matches(LogLine(level: 7, text: "x")))
        #expect(EventSelection().matches(LogLine(level: 7, text: "x")))
    }

    @Test func anUnknownNameIsAnError() {
        #expect(throws: EventSelection.SelectionError(word: "CHANNEL_BOGUS")) { try EventSelection(words: ["CHANNEL_CREATE", "CHANNEL_BOGUS"]) }
    }
}
