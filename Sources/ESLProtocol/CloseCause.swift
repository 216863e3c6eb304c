/// Why a connection ended, as a value: callers switch on it (a goodbye is a normal end of an event
/// stream, anything else is a lost connection) instead of matching words in a message.
/// `description` is the one line the operator sees, the same words eslsh has always printed.
public enum CloseCause: Sendable, Equatable, CustomStringConvertible {
    /// The server said goodbye with a `text/disconnect-notice` (not a linger notice) and closed.
    case goodbye(DisconnectNotice)
    /// The peer closed the connection between frames.
    case peerClosed(peer: String)
    /// The peer closed the connection with a frame half received.
    case closedMidFrame(peer: String)
    /// Reading failed (the system's reason).
    case lost(peer: String, reason: String)
    /// Writing a command failed (the system's reason).
    case lostWhileSending(reason: String)
    /// This side closed the connection (`Connection.close()`). Reported in the words of a peer close,
    /// which is what a reader thread sees and what eslsh has always printed for it.
    case localShutdown(peer: String)

    public var description: String {
        switch self {
        case .goodbye(let notice):
            return "server closed the connection: \(notice.summary)"
        case .peerClosed(let peer), .localShutdown(let peer):
            return "connection closed by \(peer)"
        case .closedMidFrame(let peer):
            return "connection to \(peer) closed in the middle of a frame"
        case .lost(let peer, let reason):
            return "connection to \(peer) lost: \(reason)"
        case .lostWhileSending(let reason):
            return "connection lost while sending (\(reason))"
        }
    }
}
