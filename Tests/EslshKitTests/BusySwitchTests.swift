import ConsoleUI
import ESLClient
import ESLProtocol
import ESLSimulator
import TestSupport
import Testing

/// The simulator's busy-switch mode against the `--top` table: its `show … as json` answers agree
/// with its events, and the calls are the captures' shapes (bridged pairs, single legs).
@Suite(.timeLimit(.minutes(1))) struct BusySwitchTests {
    @Test func snapshotAndEventsAgree() throws {
        let simulator = try testSimulator { $0.busyCalls = 12 }
        defer { simulator.stop() }
        let connection = try Connection.open(ConnectOptions(host: "127.0.0.1", port: simulator.port, password: "ClueCon"))
        defer { connection.close() }
        #expect(try connection.send(.event(.plain, ["ALL"]), timeout: .seconds(5)).isError == false)
        var fromEvents = LiveCalls()
        var agreed = false
        var sawBridge = false, sawSingle = false, sawUnicode = false
        let deadline = Deadline.after(milliseconds: 30_000)
        while !(agreed && sawBridge && sawSingle && sawUnicode), !deadline.hasPassed {
            let pause = Deadline.after(milliseconds: 100)
            while !pause.hasPassed {
                for item in connection.inbound.nextBatch(limit: 4096, until: pause) {
                    if case .message(.event(let event, _)) = item { fromEvents.apply(event, host: "vm") }
                }
            }
            for item in connection.inbound.nextBatch(limit: 4096, until: .now()) {
                if case .message(.event(let event, _)) = item { fromEvents.apply(event, host: "vm") }
            }
            let channels = try connection.send(.api("show channels as json"), timeout: .seconds(5)).text
            let count = try connection.send(.api("show calls count"), timeout: .seconds(5)).text
            var snapshot = LiveCalls()
            guard snapshot.load(channelsJSON: channels, host: "vm") else { Issue.record("not a table: \(channels.prefix(200))"); return }
            let rows = snapshot.rows()
            sawBridge = sawBridge || rows.contains { $0.legs.count == 2 && $0.application.hasPrefix("bridge") }
            sawSingle = sawSingle || rows.contains { $0.legs.count == 1 && !$0.application.isEmpty }
            sawUnicode = sawUnicode || rows.contains { $0.callerName.unicodeScalars.contains { $0.value > 0x2FF } }
            // A call may start or end between two commands: compare when the switch held still.
            let grouping = { (table: LiveCalls) in Set(table.rows().map { $0.legs.map(\.uuid).joined(separator: "+") }) }
            agreed = agreed || rows.count >= 5 && count.contains("\n\(rows.count) total.") && grouping(snapshot) == grouping(fromEvents)
        }
        #expect(agreed)
        #expect(sawBridge && sawSingle && sawUnicode)
    }

    @Test func uuidKillEndsABusyCall() throws {
        let simulator = try testSimulator { $0.busyCalls = 4 }
        defer { simulator.stop() }
        let connection = try Connection.open(ConnectOptions(host: "127.0.0.1", port: simulator.port, password: "ClueCon"))
        defer { connection.close() }
        var table = LiveCalls()
        for _ in 0..<100 where table.rows().isEmpty {
            _ = table.load(channelsJSON: try connection.send(.api("show channels as json"), timeout: .seconds(5)).text, host: "vm")
            if table.rows().isEmpty { _ = connection.inbound.nextBatch(limit: 1, until: .after(milliseconds: 100)) }
        }
        let uuid = try #require(table.rows().first?.uuid)
        #expect(try connection.send(.api("uuid_exists \(uuid)"), timeout: .seconds(5)).text == "true")
        #expect(try connection.send(.api("uuid_kill \(uuid)"), timeout: .seconds(5)).text == "+OK\n")
        #expect(try connection.send(.api("uuid_exists \(uuid)"), timeout: .seconds(5)).text == "false")
        #expect(try connection.send(.api("show channels as json"), timeout: .seconds(5)).text.contains(uuid) == false)
    }
}
