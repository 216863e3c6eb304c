import ESLProtocol

/// Why connecting and authenticating failed. Each case is one clear line for the operator.
public enum ConnectError: Error, Sendable, Equatable, CustomStringConvertible {
    case socket(SocketError)
    /// The server's ACL refused this address (`text/rude-rejection`); its text is kept.
    case rejectedByACL(peer: String, text: String)
    /// `auth`/`userauth` answered with something other than `+OK accepted`.
    case authenticationFailed(peer: String, replyText: String)
    /// The server closed the connection before it asked for authentication.
    case closedBeforeAuth(peer: String)
    /// Something accepts connections there but never sent `auth/request` (not an event socket?).
    case noAuthRequest(peer: String, milliseconds: Int)
    /// The server stopped answering during authentication.
    case authTimedOut(peer: String, milliseconds: Int)
    case protocolError(peer: String, DecodeError)
    case invalidCredentials(CommandError)

    /// True for refusals of these credentials or this address (as opposed to not reaching the server).
    public var isRejection: Bool {
        switch self {
        case .rejectedByACL, .authenticationFailed, .invalidCredentials: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .socket(let error):
            return error.description
        case .rejectedByACL(let peer, let text):
            let reason = text.trimmingLineBreaks
            return "\(peer) rejected this client by ACL" + (reason.isEmpty ? "" : ": \(reason.escapedForDisplay)")
                + " (add this address to the event socket's apply-inbound-acl)"
        case .authenticationFailed(let peer, let reply):
            return "authentication failed at \(peer): \(reply.escapedForDisplay) (wrong password or user?)"
        case .closedBeforeAuth(let peer):
            return "\(peer) closed the connection before asking for authentication"
        case .noAuthRequest(let peer, let milliseconds):
            return "\(peer) accepted the connection but sent no auth/request within \(milliseconds) ms (is this a FreeSWITCH event socket?)"
        case .authTimedOut(let peer, let milliseconds):
            return "no answer to authentication from \(peer) within \(milliseconds) ms"
        case .protocolError(let peer, let error):
            return "\(peer): \(error.description)"
        case .invalidCredentials(let error):
            return "invalid credentials: \(error.description)"
        }
    }
}
