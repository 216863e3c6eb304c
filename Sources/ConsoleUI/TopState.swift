import ESLProtocol

/// The `--top` view's keys and what they lead to: selection (kept on the same call while rows move),
/// sort, the `/` filter being typed, the hang-up question, the trace of a call. Pure: keys in,
/// actions out; the runner does the I/O (uuid_kill, subscriptions).
public struct TopState: Sendable {
    public enum Key: Sendable, Equatable {
        case up, down, pageUp, pageDown, enter, backspace, escape
        case character(Character)
    }

    public enum Mode: Sendable, Equatable {
        case table
        case filtering
        /// Hang up this call? (y/n)
        case confirming(uuid: String, host: String, caller: String)
        case tracing(uuid: String, host: String)
    }

    public enum Action: Sendable, Equatable {
        case none, quit
        case hangUp(uuid: String, host: String)
        case openTrace(uuid: String, host: String)
        case closeTrace
    }

    public var mode = Mode.table
    public var sort = LiveCalls.Sort.duration
    public var filter = ""
    /// The selected call, by uuid, and where it was (for when it leaves).
    public private(set) var selected: String?
    private var selectedPosition = 0
    private var scroll = 0
    /// Scroll-back of the trace view, in lines from the end.
    public var traceScroll = 0
    /// The last outcome to show (a hang-up's answer).
    public var message = ""

    public init() {}

    public func selectedIndex(in rows: [LiveCalls.Row]) -> Int? {
        guard !rows.isEmpty else { return nil }
        if let selected, let index = rows.firstIndex(where: { $0.uuid == selected }) { return index }
        return min(selectedPosition, rows.count - 1)
    }

    /// The first row shown, so that the selection stays on screen.
    public func firstVisible(rows: Int, visible: Int) -> Int {
        guard visible > 0, rows > visible else { return 0 }
        return min(scroll, rows - visible)
    }

    mutating func select(_ index: Int, in rows: [LiveCalls.Row], visible: Int) {
        guard !rows.isEmpty else { selected = nil; selectedPosition = 0; return }
        let index = max(0, min(rows.count - 1, index))
        selected = rows[index].uuid
        selectedPosition = index
        if index < scroll { scroll = index }
        if visible > 0, index >= scroll + visible { scroll = index - visible + 1 }
    }

    public func statusLine(rows: [LiveCalls.Row]) -> String {
        switch mode {
        case .filtering: return "filter: \(filter)▏  (Enter keeps it, Esc clears)"
        case .confirming(let uuid, _, let caller): return "Hang up \(caller.isEmpty ? "" : caller + " ")[\(uuid.prefix(8))]? (y/n)"
        default:
            let help = "↑/↓ j/k select  Enter trace  h hang up  / filter  s sort  q quit"
            return message.isEmpty ? help : message + "  —  " + help
        }
    }

    /// What a key does, given the rows on screen and how many fit.
    public mutating func handle(_ key: Key, rows: [LiveCalls.Row], visible: Int) -> Action {
        switch mode {
        case .filtering:
            switch key {
            case .enter: mode = .table
            case .escape: filter = ""; mode = .table
            case .backspace: if !filter.isEmpty { filter.removeLast() }
            case .character(let character) where !character.isNewline && filter.count < 64:
                if character.unicodeScalars.allSatisfy({ !VisibleText.isControl($0) }) { filter.append(character) }
            default: break
            }
            return .none
        case .confirming(let uuid, let host, _):
            mode = .table
            if key == .character("y") || key == .character("Y") { return .hangUp(uuid: uuid, host: host) }
            message = "not hung up"
            return .none
        case .tracing:
            switch key {
            case .character("q"), .escape:
                mode = .table
                traceScroll = 0
                return .closeTrace
            case .up, .character("k"): traceScroll += 1
            case .down, .character("j"): traceScroll = max(0, traceScroll - 1)
            case .pageUp: traceScroll += max(1, visible)
            case .pageDown: traceScroll = max(0, traceScroll - max(1, visible))
            default: break
            }
            return .none
        case .table:
            let current = selectedIndex(in: rows) ?? 0
            switch key {
            case .character("q"): return .quit
            case .up, .character("k"): select(current - 1, in: rows, visible: visible)
            case .down, .character("j"): select(current + 1, in: rows, visible: visible)
            case .pageUp: select(current - max(1, visible), in: rows, visible: visible)
            case .pageDown: select(current + max(1, visible), in: rows, visible: visible)
            case .character("s"): sort = sort.next
            case .character("/"): mode = .filtering
            case .escape: filter = ""
            case .character("h"):
                guard let index = selectedIndex(in: rows) else { return .none }
                let row = rows[index]
                mode = .confirming(uuid: row.uuid, host: row.host, caller: row.callerName.isEmpty ? row.callerNumber : row.callerName)
            case .enter:
                guard let index = selectedIndex(in: rows) else { return .none }
                mode = .tracing(uuid: rows[index].uuid, host: rows[index].host)
                traceScroll = 0
                return .openTrace(uuid: rows[index].uuid, host: rows[index].host)
            default: break
            }
            return .none
        }
    }
}
