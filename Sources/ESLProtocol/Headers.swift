/// One `Name: value` line of a frame or an event.
public struct Header: Sendable, Equatable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An ordered header list that keeps repeats. Look-up is ASCII case-insensitive, because
/// FreeSWITCH itself matches header names that way (`content-length` and `Content-Length` are one header).
public struct Headers: Sendable, Equatable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    public private(set) var list: [Header]

    public init(_ list: [Header] = []) { self.list = list }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.list = elements.map { Header($0.0, $0.1) }
    }

    public var startIndex: Int { list.startIndex }
    public var endIndex: Int { list.endIndex }
    public subscript(position: Int) -> Header { list[position] }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        for header in list where header.name.equalsIgnoringASCIICase(name) { return header.value }
        return nil
    }

    /// Every value of `name`, in order (repeated headers and `ARRAY::` parts).
    public func values(_ name: String) -> [String] {
        list.compactMap { $0.name.equalsIgnoringASCIICase(name) ? $0.value : nil }
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public mutating func append(_ name: String, _ value: String) { list.append(Header(name, value)) }
    public mutating func append(_ header: Header) { list.append(header) }

    /// Removes every header called `name`.
    public mutating func remove(_ name: String) { list.removeAll { $0.name.equalsIgnoringASCIICase(name) } }

    /// Replaces every header called `name` by one with `value`, kept at the first one's place.
    public mutating func set(_ name: String, _ value: String) {
        if let first = list.firstIndex(where: { $0.name.equalsIgnoringASCIICase(name) }) {
            list[first].value = value
            var index = list.index(after: first)
            while index < list.endIndex {
                if list[index].name.equalsIgnoringASCIICase(name) { list.remove(at: index) } else { index += 1 }
            }
        } else {
            list.append(Header(name, value))
        }
    }
}

extension String {
    /// ASCII case-insensitive comparison without allocating (header names are ASCII).
    @inlinable
    public func equalsIgnoringASCIICase(_ other: String) -> Bool {
        var a = utf8.makeIterator(), b = other.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case let (x?, y?):
                if x != y && asciiLower(x) != asciiLower(y) { return false }
            default: return false
            }
        }
    }
}

@inlinable
func asciiLower(_ byte: UInt8) -> UInt8 { byte &- 65 < 26 ? byte | 0x20 : byte }
