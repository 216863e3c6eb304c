import ESLProtocol

/// The summary of a CUSTOM event after its subclass: what an operator watching it wants to read.
/// A subclass alone (`CUSTOM sofia::register`) says nothing about who registered from where.
enum CustomEventSummary {
    /// Parts after `CUSTOM <subclass>`; nil: the event has none of its own (the generic summary applies).
    static func parts(_ event: Event) -> [String]? {
        guard event.name == "CUSTOM", let subclass = event.subclass else { return nil }
        if subclass.hasPrefix("sofia::"), registrationSubclasses.contains(String(subclass.dropFirst(7))) {
            return registration(event)
        }
        if subclass == "conference::maintenance" { return conference(event) }
        return nil
    }

    static let registrationSubclasses: Set<String> = [
        "register", "unregister", "expire", "register_attempt", "pre_register", "register_failure",
    ]

    /// `1000@example.com on internal <sip:1000@192.0.2.7:5999> from 192.0.2.7:5999/udp expires 60 Registered(UDP) ua "Zoiper"`.
    private static func registration(_ event: Event) -> [String] {
        var parts: [String] = []
        let user = event["username"] ?? event["from-user"] ?? event["to-user"]
        let realm = event["realm"] ?? event["from-host"] ?? event["to-host"]
        if let user { parts.append(clean(user) + (realm.map { "@" + clean($0) } ?? "")) }
        if let profile = event["profile-name"] { parts.append("on " + clean(profile)) }
        if let contact = event["contact"] { parts.append(self.contact(contact)) }
        if let ip = event["network-ip"] {
            var network = "from " + clean(ip) + (event["network-port"].map { ":" + clean($0) } ?? "")
            if let transport = transport(event) { network += "/" + transport }
            parts.append(network)
        }
        if let expires = event["expires"] { parts.append("expires " + clean(expires)) }
        if let status = event["status"] { parts.append(clean(status)) }
        if let result = event["auth-result"] { parts.append("auth " + clean(result)) }
        if let agent = event["user-agent"] { parts.append("ua " + JSONText.quoted(agent)) }
        return parts
    }

    /// A contact without an empty display name (`"" <sip:…>` → `<sip:…>`).
    private static func contact(_ text: String) -> String {
        var text = Substring(text)
        if text.hasPrefix("\"\" ") { text = text.dropFirst(3) }
        return clean(String(text))
    }

    /// From the status (`Registered(UDP)`) or the contact's `transport=` parameter, lowercased.
    private static func transport(_ event: Event) -> String? {
        if let status = event["status"], let open = status.lastIndex(of: "("), status.hasSuffix(")") {
            let inside = status[status.index(after: open)..<status.index(before: status.endIndex)]
            if !inside.isEmpty { return clean(String(inside)).lowercased() }
        }
        if let contact = event["contact"]?.lowercased(), let range = contact.firstRange(of: "transport=") {
            let value = contact[range.upperBound...].prefix { $0.isLetter }
            if !value.isEmpty { return String(value) }
        }
        return nil
    }

    /// `3000-vm add-member member 4 Alice <1001>`.
    private static func conference(_ event: Event) -> [String] {
        var parts: [String] = []
        if let name = event["Conference-Name"] { parts.append(clean(name)) }
        if let action = event["Action"] { parts.append(clean(action)) }
        if let member = event["Member-ID"] { parts.append("member " + clean(member)) }
        let caller = [event["Caller-Caller-ID-Name"].map(clean), event["Caller-Caller-ID-Number"].map { "<\(clean($0))>" }].compactMap { $0 }
        if !caller.isEmpty { parts.append(caller.joined(separator: " ")) }
        return parts
    }

    /// Any other CUSTOM event without a channel: its first few headers of its own (not the core's
    /// FreeSWITCH-*, Core-UUID and Event-* stamps), as `name=value`.
    static func tellingHeaders(_ event: Event, limit: Int = 4) -> [String] {
        var parts: [String] = []
        for header in event.headers {
            let lower = header.name.lowercased()
            if lower.hasPrefix("freeswitch-") || lower.hasPrefix("event-") || lower == "core-uuid" || lower == "content-length" { continue }
            parts.append(clean(header.name) + "=" + (header.value.contains(" ") ? JSONText.quoted(header.value) : clean(header.value)))
            if parts.count == limit { break }
        }
        return parts
    }

    /// A server's text with its control characters made spaces: one summary line stays one line.
    private static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }
}
