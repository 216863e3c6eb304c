import ConsoleUI
import ESLProtocol
import TestSupport
import Testing

/// The `--top` table against the busy-switch-json capture: three calls at once (two bridged through
/// loopback, four channels each, one parked), with `show channels/calls … as json` taken while up.
@Suite struct LiveCallsTests {
    static let host = "vm"

    /// The capture's messages, and the API answers in the order they were asked (see the .sent file).
    static func capture() throws -> (messages: [Message], answers: [String]) {
        let messages = try Fixtures.messages("busy-switch-json")
        let answers = messages.compactMap { message -> String? in
            if case .apiResponse(let response) = message { return response.text }
            return nil
        }
        return (messages, answers)
    }

    /// Applies the events up to the `n`-th API answer.
    static func table(untilAnswer n: Int) throws -> LiveCalls {
        var table = LiveCalls()
        var answers = 0
        for message in try capture().messages {
            if case .apiResponse = message {
                answers += 1
                if answers == n { break }
            }
            if case .event(let event, _) = message { table.apply(event, host: host) }
        }
        return table
    }

    @Test func eventsAloneAgreeWithShowCallsCount() throws {
        let (_, answers) = try Self.capture()
        // Answers: channels json, calls json, channels count, calls count, detailed, bridged, calls json.
        #expect(answers[2].contains("10 total."))
        #expect(answers[3].contains("8 total."))
        let table = try Self.table(untilAnswer: 1)
        #expect(table.channelCount == 10)
        let rows = table.rows()
        #expect(rows.count == 8)
        // The bridged pair is one row: the a-leg with its originatee.
        let alice = rows.first { $0.uuid.hasPrefix("a678c193") }!
        #expect(alice.legs.map { String($0.uuid.prefix(8)) } == ["a678c193", "3536788b"])
        #expect(alice.otherLeg?.hasPrefix("3536788b") == true)
        #expect(alice.callerName == "Alice")
        #expect(alice.callerNumber == "1001")
        #expect(alice.destination == "9196")
        #expect(alice.direction == "outbound")
        #expect(alice.state == .active)
        #expect(alice.application == "bridge loopback/9196/default")
        #expect(alice.codecs == "L16")
        #expect(alice.started == 1_796_110_894_312_834)
        #expect(alice.duration(now: 1_796_110_900_312_834) == 6)
        let bob = rows.first { $0.uuid.hasPrefix("9599eaa3") }!
        #expect(bob.legs.count == 1)
        #expect(bob.application == "park")
        #expect(rows.first { $0.uuid.hasPrefix("e4c51976") }?.application == "echo")
    }

    /// The snapshot alone gives the same calls as the events did.
    @Test func snapshotAgreesWithTheEvents() throws {
        let (_, answers) = try Self.capture()
        var snapshot = LiveCalls()
        snapshot.markStale(host: Self.host)
        #expect(snapshot.needsSnapshot(host: Self.host))
        let loaded = snapshot.load(channelsJSON: answers[0], host: Self.host)
        #expect(loaded)
        #expect(!snapshot.needsSnapshot(host: Self.host))
        let fromEvents = try Self.table(untilAnswer: 1).rows()
        let rows = snapshot.rows()
        // Started to the second only in the snapshot: the same calls, perhaps in another order.
        let snapshotCalls: [[String]] = rows.map { $0.legs.map(\.uuid) }.sorted { $0[0] < $1[0] }
        let eventCalls: [[String]] = fromEvents.map { $0.legs.map(\.uuid) }.sorted { $0[0] < $1[0] }
        #expect(snapshotCalls == eventCalls)
        let alice = rows.first { $0.uuid.hasPrefix("a678c193") }!
        #expect(alice.callerName == "Alice")
        #expect(alice.state == .active)
        #expect(alice.application == "bridge loopback/9196/default")
        #expect(alice.started == 1_796_110_894_000_000)
        let refused = snapshot.load(channelsJSON: "-ERR no reply", host: Self.host)
        #expect(!refused)
        #expect(snapshot.rows().count == 8)
    }

    /// After the first call hangs up, the table agrees with the second `show calls as json`; at the
    /// end nothing is left.
    @Test func callsLeaveWithTheirDestroy() throws {
        let (_, answers) = try Self.capture()
        let later = try Self.table(untilAnswer: 7)
        guard case .object(let members)? = JSONValue.parse(answers[6]), case .literal(let count)? = members.first(where: { $0.key == "row_count" })?.value else {
            Issue.record("no row_count"); return
        }
        #expect(later.rows().count == Int(count))
        #expect(!later.rows().contains { $0.callerName == "Alice" })
        var table = LiveCalls()
        var sawHangingUp = false
        for message in try Self.capture().messages {
            guard case .event(let event, _) = message else { continue }
            table.apply(event, host: Self.host)
            if table.rows().contains(where: { $0.state == .hangingUp }) { sawHangingUp = true }
        }
        #expect(sawHangingUp)
        #expect(table.rows().isEmpty)
        #expect(table.channelCount == 0)
    }

    @Test func ringingThenActive() throws {
        var table = LiveCalls()
        var states: [LiveCalls.State] = []
        for message in try Self.capture().messages {
            guard case .event(let event, _) = message else { continue }
            table.apply(event, host: Self.host)
            if let row = table.rows().first(where: { $0.uuid.hasPrefix("c8a65e6a") }), states.last != row.state { states.append(row.state) }
        }
        #expect(states == [.ringing, .active, .ringing, .active, .hangingUp])
    }

    @Test func sortAndFilter() throws {
        let table = try Self.table(untilAnswer: 1)
        #expect(table.rows(filter: "bob").map(\.callerName) == ["Bob", "Bob"])
        #expect(table.rows(filter: "PARK").count == 1)
        #expect(table.rows(filter: "nobody").isEmpty)
        let byCaller = table.rows(sort: .caller).map(\.callerName)
        #expect(byCaller == byCaller.sorted { $0.lowercased() < $1.lowercased() })
        let byDuration = table.rows(sort: .duration).map(\.started)
        #expect(byDuration == byDuration.sorted())
        #expect(LiveCalls.Sort.duration.next == .state)
        #expect(LiveCalls.Sort.caller.next == .duration)
    }

    @Test func holdAndHosts() {
        var table = LiveCalls()
        let answer = [Header("Unique-ID", "u1"), Header("Channel-Call-State", "ACTIVE"), Header("Answer-State", "answered")]
        table.apply(Event(name: "CHANNEL_ANSWER", headers: answer), host: "one")
        table.apply(Event(name: "CHANNEL_ANSWER", headers: answer), host: "two")
        #expect(table.rows().map(\.host) == ["one", "two"])
        table.apply(Event(name: "CHANNEL_HOLD", headers: [Header("Unique-ID", "u1")]), host: "one")
        #expect(table.rows().map(\.state) == [.held, .active])
        table.apply(Event(name: "CHANNEL_UNHOLD", headers: [Header("Unique-ID", "u1")]), host: "one")
        #expect(table.rows().map(\.state) == [.active, .active])
        table.apply(Event(name: "CHANNEL_DESTROY", headers: [Header("Unique-ID", "U1")]), host: "two")
        #expect(table.rows().map(\.host) == ["one"])
    }

    @Test func headerLine() throws {
        var activity = SwitchActivity()
        let base = 1_796_110_894_000_000
        for message in try Self.capture().messages {
            guard case .event(let event, _) = message else { continue }
            activity.record(event, now: base)
        }
        activity.recordDropped(3)
        activity.roll(base + 1_000_000)
        #expect(activity.header(calls: 8, channels: 10) == "calls 8  channels 10  sessions/s 10  idle 94.5%  events/s 230  dropped 3")
        activity.roll(base + 3_000_000)
        #expect(activity.eventsPerSecond == 0)
    }
}
