import ESLClient

/// `--buffer`: what eslsh holds for a slow output before the oldest events are dropped (and counted).
/// A size with a unit (`64M`, `512K`, `1G`; powers of 1024) bounds the bytes; a plain number keeps
/// its old meaning, a number of events, and the default byte bound still holds beside it, so no
/// command line can turn the bound off.
package enum BufferSize: Equatable, Sendable, CustomStringConvertible {
    case events(Int)
    case bytes(Int)

    package static let standard = BufferSize.events(10_000)
    /// The range a size may take: below 64 KiB nearly every event would be dropped, past 1 TiB no
    /// memory holds it.
    package static let sizes = (64 << 10)...(1 << 40)

    package init?(argument: String) {
        let text = argument.uppercased()
        let units: [(String, Int)] = [("KIB", 10), ("MIB", 20), ("GIB", 30), ("TIB", 40), ("KB", 10), ("MB", 20), ("GB", 30), ("TB", 40),
                                      ("K", 10), ("M", 20), ("G", 30), ("T", 40)]
        guard let (suffix, shift) = units.first(where: { text.hasSuffix($0.0) }) else {
            guard text.allSatisfy(\.isASCIIDigit), let count = Int(text) else { return nil }
            self = .events(count)
            return
        }
        let number = text.dropLast(suffix.count)
        guard !number.isEmpty, number.allSatisfy(\.isASCIIDigit), let value = Int(number), value <= Int.max >> shift else { return nil }
        self = .bytes(value << shift)
    }

    package var description: String {
        switch self {
        case .events(let count): return "\(count) events"
        case .bytes(let bytes): return bytes % (1 << 20) == 0 ? "\(bytes >> 20)M" : "\(bytes >> 10)K"
        }
    }

    /// Why the value cannot be used; nil when it can.
    package var problem: String? {
        switch self {
        case .events(let count): return count < 1 ? "--buffer must be 1 or more" : nil
        case .bytes(let bytes): return Self.sizes.contains(bytes) ? nil : "--buffer takes a size from 64K to 1T"
        }
    }

    /// The inbound queue's two bounds: a size lifts the count (the bytes bound what a count bounded).
    package func apply(to options: inout ConnectOptions) {
        switch self {
        case .events(let count):
            options.queueCapacity = count
            options.queueBytes = InboundQueue.defaultBytes
        case .bytes(let bytes):
            options.queueCapacity = Int.max
            options.queueBytes = bytes
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
