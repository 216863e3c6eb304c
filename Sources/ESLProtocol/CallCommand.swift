/// The headers (and optional body) of a `sendmsg`: what to do to a call.
public struct CallCommand: Sendable, Equatable {
    public var headers: [Header]
    public var body: String?

    public init(headers: [Header], body: String? = nil) {
        self.headers = headers
        self.body = body
    }

    /// Longest `execute-app-arg` sent as a header; longer (or multi-line) arguments go into a
    /// `text/plain` body, which the server reads in its place and which has no length or line limits.
    public static let maxHeaderArgument = 2048

    /// `call-command: execute`: run a dialplan application on the call.
    public static func execute(
        _ app: String, _ argument: String? = nil, loops: Int? = nil, eventUUID: String? = nil,
        eventLock: Bool = false, async: Bool = false, holdBLeg: Bool = false
    ) -> CallCommand {
        var headers = [Header("call-command", "execute"), Header("execute-app-name", app)]
        var body: String?
        if let argument {
            let multiLine = argument.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D })
            if multiLine || argument.utf8.count > maxHeaderArgument {
                body = argument
                headers.append(Header("content-type", "text/plain"))
            } else {
                headers.append(Header("execute-app-arg", argument))
            }
        }
        if let loops { headers.append(Header("loops", String(loops))) }
        if let eventUUID { headers.append(Header("Event-UUID", eventUUID)) }
        if eventLock { headers.append(Header("event-lock", "true")) }
        if async { headers.append(Header("async", "true")) }
        if holdBLeg { headers.append(Header("hold-bleg", "true")) }
        return CallCommand(headers: headers, body: body)
    }

    /// `call-command: hangup` with a cause name or number (the server's default is NORMAL_CLEARING).
    public static func hangup(cause: String? = nil) -> CallCommand {
        var headers = [Header("call-command", "hangup")]
        if let cause { headers.append(Header("hangup-cause", cause)) }
        return CallCommand(headers: headers)
    }

    /// `call-command: unicast`: stream the call's media to/from a UDP or TCP peer.
    public static func unicast(
        localIP: String? = nil, localPort: Int? = nil, remoteIP: String? = nil, remotePort: Int? = nil,
        transport: String? = nil, flags: String? = nil
    ) -> CallCommand {
        var headers = [Header("call-command", "unicast")]
        if let localIP { headers.append(Header("local-ip", localIP)) }
        if let localPort { headers.append(Header("local-port", String(localPort))) }
        if let remoteIP { headers.append(Header("remote-ip", remoteIP)) }
        if let remotePort { headers.append(Header("remote-port", String(remotePort))) }
        if let transport { headers.append(Header("transport", transport)) }
        if let flags { headers.append(Header("flags", flags)) }
        return CallCommand(headers: headers)
    }

    /// `call-command: nomedia`.
    public static func nomedia(uuid: String) -> CallCommand {
        CallCommand(headers: [Header("call-command", "nomedia"), Header("nomedia-uuid", uuid)])
    }

    /// `call-command: xferext`: one `application: <app> <args>` header per step of an extension.
    public static func xferext(_ applications: [String]) -> CallCommand {
        CallCommand(headers: [Header("call-command", "xferext")] + applications.map { Header("application", $0) })
    }
}
