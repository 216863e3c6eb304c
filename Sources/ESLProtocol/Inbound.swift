/// What the reader hands to the consumer, in arrival order.
public enum Inbound: Sendable, Equatable {
    case message(Message)
    /// This many messages were dropped here because the consumer fell behind.
    case dropped(Int)
    /// The connection ended; nothing follows.
    case closed(ConnectionError)
}
