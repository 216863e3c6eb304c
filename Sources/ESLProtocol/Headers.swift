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
///
/// Headers decoded from a plain event stay as byte ranges into the event's bytes (a `HeaderTable`)
/// until someone reads them: a summary line looks at six of an event's seventy headers, and a name
/// look-up compares bytes without making strings. Any change turns them into an ordinary list.
public struct Headers: Sendable, Equatable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    private enum Storage: Sendable {
        case list([Header])
        case table(HeaderTable)
    }

    private var storage: Storage

    public init(_ list: [Header] = []) { storage = .list(list) }

    init(table: HeaderTable) { storage = .table(table) }

    public init(dictionaryLiteral elements: (String, String)...) {
        storage = .list(elements.map { Header($0.0, $0.1) })
    }

    /// The headers as values (made from the bytes on first use when they came from the wire).
    public var list: [Header] {
        switch storage {
        case .list(let list): return list
        case .table(let table):
            let layout = table.layout
            return layout.fields.indices.map { table.header($0, layout) }
        }
    }

    /// The table behind these headers, when they are still the decoded wire bytes.
    var table: HeaderTable? {
        if case .table(let table) = storage { return table }
        return nil
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .list(let list): return list.count
        case .table(let table): return table.count
        }
    }

    public subscript(position: Int) -> Header {
        switch storage {
        case .list(let list): return list[position]
        case .table(let table): return table.header(position)
        }
    }

    /// Iterates without a look-up of the table's layout per header.
    public struct Iterator: IteratorProtocol {
        private let storage: Storage
        private let layout: HeaderTable.Layout?
        private var index = 0

        fileprivate init(_ headers: Headers) {
            storage = headers.storage
            if case .table(let table) = storage { layout = table.layout } else { layout = nil }
        }

        public mutating func next() -> Header? {
            defer { index += 1 }
            switch storage {
            case .list(let list): return index < list.count ? list[index] : nil
            case .table(let table):
                guard let layout, index < layout.fields.count else { return nil }
                return table.header(index, layout)
            }
        }
    }

    public func makeIterator() -> Iterator { Iterator(self) }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        switch storage {
        case .list(let list):
            for header in list where header.name.equalsIgnoringASCIICase(name) { return header.value }
            return nil
        case .table(let table):
            return table.firstValue(named: name)
        }
    }

    /// Every value of `name`, in order (repeated headers and `ARRAY::` parts).
    public func values(_ name: String) -> [String] {
        switch storage {
        case .list(let list): return list.compactMap { $0.name.equalsIgnoringASCIICase(name) ? $0.value : nil }
        case .table(let table): return table.indices(named: name).map(table.value)
        }
    }

    public func contains(_ name: String) -> Bool {
        switch storage {
        case .list: return self[name] != nil
        case .table(let table): return table.firstIndex(named: name) != nil
        }
    }

    public static func == (lhs: Headers, rhs: Headers) -> Bool {
        if case .table(let a) = lhs.storage, case .table(let b) = rhs.storage, a === b { return true }
        return lhs.list == rhs.list
    }

    private mutating func editable() -> [Header] {
        let list = self.list
        storage = .list([])  // keep the array uniquely referenced while it is edited
        return list
    }

    public mutating func append(_ name: String, _ value: String) { append(Header(name, value)) }

    public mutating func append(_ header: Header) {
        var list = editable()
        list.append(header)
        storage = .list(list)
    }

    /// Removes every header called `name`.
    public mutating func remove(_ name: String) {
        var list = editable()
        list.removeAll { $0.name.equalsIgnoringASCIICase(name) }
        storage = .list(list)
    }

    /// Replaces every header called `name` by one with `value`, kept at the first one's place.
    public mutating func set(_ name: String, _ value: String) {
        var list = editable()
        if let first = list.firstIndex(where: { $0.name.equalsIgnoringASCIICase(name) }) {
            list[first].value = value
            var index = list.index(after: first)
            while index < list.endIndex {
                if list[index].name.equalsIgnoringASCIICase(name) { list.remove(at: index) } else { index += 1 }
            }
        } else {
            list.append(Header(name, value))
        }
        storage = .list(list)
    }

    /// Removes the last header called `name` (the body length of a decoded event).
    mutating func removeLast(named name: String) {
        var list = editable()
        if let index = list.lastIndex(where: { $0.name.equalsIgnoringASCIICase(name) }) { list.remove(at: index) }
        storage = .list(list)
    }
}

extension String {
    /// ASCII case-insensitive comparison without allocating (header names are ASCII).
    @inlinable
    public func equalsIgnoringASCIICase(_ other: String) -> Bool {
        // Lengths first: O(1) for native strings, and most names differ in length. Then the bytes, in
        // place when both strings are contiguous (native and small ones are). Not `==`: that compares
        // canonical equivalence, which a header table's byte comparison does not.
        guard utf8.count == other.utf8.count else { return false }
        let contiguous = utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b in
                !zip(a, b).contains { $0 != $1 && asciiLower($0) != asciiLower($1) }
            }
        }
        if let contiguous, let equal = contiguous { return equal }
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
