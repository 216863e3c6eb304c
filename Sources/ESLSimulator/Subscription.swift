import ESLProtocol

/// What one listener receives: event names and subclasses, the format, and its filters —
/// with mod_event_socket's rules.
struct Subscription {
    var format: EventFormat = .plain
    var all = false
    var names: Set<String> = []
    var allCustom = false
    var subclasses: Set<String> = []
    /// `myevents`: only this call's session events.
    var sessionUUID: String?
    var filters: [Header] = []

    var isListening: Bool { all || !names.isEmpty || !subclasses.isEmpty || allCustom || sessionUUID != nil }

    /// `event [plain|json|xml] names…`: true when at least one known name was given.
    mutating func add(_ words: [String]) -> Bool {
        var words = words[...]
        if let first = words.first, let format = EventFormat(rawValue: first.lowercasedASCII) {
            self.format = format
            words = words.dropFirst()
        }
        var added = false
        var inCustom = false
        for word in words {
            if inCustom {
                subclasses.insert(word)
                added = true
                continue
            }
            guard let name = Names.eventName(word) else { continue }
            added = true
            switch name {
            case "ALL": all = true; allCustom = true
            case "CUSTOM": inCustom = true; names.insert(name)
            default: names.insert(name)
            }
        }
        if inCustom, subclasses.isEmpty { allCustom = true }
        return added
    }

    /// `nixevent names…`.
    mutating func remove(_ words: [String]) -> Bool {
        var removed = false
        for word in words {
            guard let name = Names.eventName(word) else {
                if subclasses.remove(word) != nil { removed = true }
                continue
            }
            removed = true
            if all {
                // Nixing one name while subscribed to ALL expands ALL into the individual list.
                all = false
                names = Set(Names.events.filter { $0 != "ALL" })
            }
            names.remove(name)
        }
        return removed
    }

    mutating func clear() {
        all = false
        allCustom = false
        names = []
        subclasses = []
    }

    func wants(_ event: Event) -> Bool {
        if let sessionUUID {
            guard event.uniqueID == sessionUUID, Names.sessionEvents.contains(event.name) else { return false }
        } else {
            let name = event.name
            if name == "CUSTOM" {
                guard all || allCustom || subclasses.contains(event.subclass ?? "") else { return false }
            } else if !all && !names.contains(name) {
                return false
            }
        }
        return passesFilters(event)
    }

    /// Once any filter exists an event must match one; `-value` filters veto; `/re/` values are regexes.
    func passesFilters(_ event: Event) -> Bool {
        guard !filters.isEmpty else { return true }
        var matched = false
        for filter in filters {
            guard let value = event.headers[filter.name] else { continue }
            var pattern = Substring(filter.value)
            var exclude = false
            if pattern.first == "-" { exclude = true; pattern = pattern.dropFirst() } else if pattern.first == "+" { pattern = pattern.dropFirst() }
            let hit: Bool
            if pattern.first == "/" {
                let body = pattern.dropFirst().hasSuffix("/") ? pattern.dropFirst().dropLast() : pattern.dropFirst()
                hit = (try? Regex(String(body)).firstMatch(in: value)) != nil
            } else {
                hit = value.lowercasedASCII == String(pattern).lowercasedASCII
            }
            // As mod_event_socket: a positive match is needed to send, an exclusion vetoes;
            // exclusions alone therefore let nothing through.
            if hit && exclude { return false }
            if hit { matched = true }
        }
        return matched
    }
}
