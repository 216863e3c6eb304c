import ESLProtocol

/// Which events a client-side filter lets through, in the words of the `event` command:
/// `CHANNEL_CREATE CHANNEL_HANGUP_COMPLETE`, `ALL`, `CUSTOM sofia::register` (subclasses follow CUSTOM),
/// plus an optional call UUID as `myevents` would narrow it. Used where no server filters for us
/// (`eslsh replay`).
public struct EventSelection: Sendable, Equatable {
    public private(set) var all = false
    public private(set) var names: Set<String> = []
    public private(set) var subclasses: Set<String> = []
    /// Only events (and log lines) of this call.
    public var uuid: String?

    /// Everything.
    public init(uuid: String? = nil) {
        all = true
        self.uuid = uuid
    }

    /// Parses event words; an unknown name is an error naming it.
    public init(words: [String], uuid: String? = nil) throws(SelectionError) {
        self.uuid = uuid
        var inCustom = false
        for word in words {
            if inCustom, Names.eventName(word) == nil {
                subclasses.insert(word)
                continue
            }
            guard let name = Names.eventName(word) else { throw SelectionError(word: word) }
            switch name {
            case "ALL": all = true
            case "CUSTOM": inCustom = true; names.insert(name)
            default: inCustom = false; names.insert(name)
            }
        }
        if words.isEmpty { all = true }
    }

    public struct SelectionError: Error, Equatable, CustomStringConvertible, Sendable {
        public let word: String
        public init(word: String) { self.word = word }
        public var description: String { "'\(word)' is not an event name" }
    }

    public func matches(_ event: Event) -> Bool {
        if let uuid, event.uniqueID != uuid { return false }
        if all { return true }
        let name = event.name
        guard names.contains(name) else { return false }
        if name == "CUSTOM", !subclasses.isEmpty { return subclasses.contains(event.subclass ?? "") }
        return true
    }

    /// A log line passes unless a UUID is selected and the line belongs to another call (or none).
    public func matches(_ line: LogLine) -> Bool {
        guard let uuid else { return true }
        return line.userData == uuid
    }
}
