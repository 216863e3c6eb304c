/// Bytes arriving in pieces made text piece by piece: a UTF-8 sequence split between two pieces is held
/// back until its end comes, rather than shown as two replacement characters.
public struct UTF8Pieces {
    private var held: [UInt8] = []

    public init() {}

    /// The text of `piece` after what was held; `ending`: whatever is held goes too.
    public mutating func take(_ piece: [UInt8], ending: Bool = false) -> String {
        // No copy of a piece when nothing was held: the pieces can be 64 MiB.
        let bytes = held.isEmpty ? piece : held + piece
        held = ending ? [] : Self.unfinished(bytes)
        return String(decoding: bytes[..<(bytes.count - held.count)], as: UTF8.self)
    }

    /// The last bytes when they begin a sequence that is not complete yet.
    static func unfinished(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return [] }
        for back in 1...min(3, bytes.count) {
            let byte = bytes[bytes.count - back]
            guard byte & 0xC0 == 0x80 else {
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                return length > back ? Array(bytes.suffix(back)) : []
            }
        }
        return []
    }
}
