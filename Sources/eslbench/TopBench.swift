import ConsoleUI
import ESLClient
import ESLProtocol
import Foundation

/// `--top` at scale: 1,000 calls (2,000 legs, bridged pairs) with 500 events a second applied to the
/// table, and the screen laid out four times a second (200×60). Figures: one frame (rows sorted and
/// filtered, then laid out), and the share of one core that a second of such load takes. The baseline,
/// in the same run, is the least a frame must do: every row's fields joined once into a line.
extension Bench {
    func top() {
        let calls = 1000
        var table = LiveCalls()
        var uuids: [(String, String)] = []
        for index in 0..<calls {
            let a = "a\(index)-0000-4000-8000-000000000000", b = "b\(index)-0000-4000-8000-000000000000"
            uuids.append((a, b))
            let names = ["Alice Martin", "山田太郎", "Zoë Ünal", "Дмитрий Иванов"]
            table.apply(Event(name: "CHANNEL_CREATE", headers: [
                Header("Unique-ID", a), Header("Call-Direction", "inbound"), Header("Channel-Name", "sofia/internal/\(1000 + index)@192.0.2.10"),
                Header("Caller-Caller-ID-Name", names[index % names.count]), Header("Caller-Caller-ID-Number", String(1000 + index)),
                Header("Caller-Destination-Number", String(2000 + index)), Header("Caller-Channel-Created-Time", String(1_796_110_000_000_000 + index * 1000)),
                Header("Channel-Call-State", "RINGING"), Header("Channel-Read-Codec-Name", "PCMU"),
            ]), host: "sw")
            table.apply(Event(name: "CHANNEL_CREATE", headers: [
                Header("Unique-ID", b), Header("Call-Direction", "outbound"), Header("Other-Type", "originator"), Header("Other-Leg-Unique-ID", a),
                Header("Channel-Call-State", "ACTIVE"), Header("Answer-State", "answered"),
            ]), host: "sw")
        }
        // A second's worth of events: call states, codecs, applications, holds on random legs.
        var generator = SystemRandomNumberGenerator()
        let kinds = ["CHANNEL_CALLSTATE", "CODEC", "CHANNEL_EXECUTE", "CHANNEL_HOLD", "CHANNEL_UNHOLD"]
        let events: [Event] = (0..<500).map { index in
            let (a, b) = uuids[Int.random(in: 0..<calls, using: &generator)]
            let kind = kinds[index % kinds.count]
            return Event(name: kind, headers: [
                Header("Unique-ID", index % 2 == 0 ? a : b), Header("Channel-Call-State", index % 3 == 0 ? "ACTIVE" : "EARLY"),
                Header("Channel-Read-Codec-Name", index % 4 == 0 ? "G722" : "PCMU"), Header("Application", "park"),
            ])
        }
        let layout = TopLayout(width: 200, height: 60, showHost: false)
        let state = TopState()
        let rounds = quick ? 5 : 20
        var frameSeconds: [Double] = []
        var loadSeconds: [Double] = []
        var baselineSeconds: [Double] = []
        for _ in 0..<rounds {
            let start = Bench.now()
            for (index, event) in events.enumerated() {
                table.apply(event, host: "sw")
                if index % 125 == 124 {
                    let frame = Bench.now()
                    let rows = table.rows(sort: state.sort, filter: state.filter)
                    let lines = layout.table(rows: rows, now: 1_796_110_100_000_000, header: "calls \(rows.count)", state: state)
                    precondition(lines.count == 60)
                    frameSeconds.append(Bench.now() - frame)
                }
            }
            loadSeconds.append(Bench.now() - start)
            let rows = table.rows(sort: .duration)
            let base = Bench.now()
            var bytes = 0
            for row in rows {
                bytes += [row.callerName, row.callerNumber, row.destination, row.direction, row.state.rawValue, row.codecs, row.application].joined(separator: ",").utf8.count
            }
            precondition(bytes > 0)
            baselineSeconds.append(Bench.now() - base)
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        line("top.frame_1000_calls", median(frameSeconds) * 1000, "ms")
        line("top.baseline_rows_joined", median(baselineSeconds) * 1000, "ms")
        line("top.frame_ratio", median(frameSeconds) / median(baselineSeconds), "x")
        // 500 events and 4 frames are one second of a busy switch: the share of a core they take.
        line("top.core_share_500_events_per_s", median(loadSeconds) * 100, "%")
    }
}
