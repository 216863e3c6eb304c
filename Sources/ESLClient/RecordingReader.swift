#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ESLProtocol

/// Reads a recording line by line, so a long recording is never held whole.
public final class RecordingReader {
    private let file: UnsafeMutablePointer<FILE>
    private var number = 0
    /// True when the last line was cut short (the recorder was killed mid-write) and was left out.
    public private(set) var truncated = false

    /// Nil when the file cannot be opened (errno says why).
    public init?(path: String) {
        guard let file = fopen(path, "rb") else { return nil }
        self.file = file
    }

    deinit { fclose(file) }

    /// The next frame, nil at the end, or the error of a bad line (with its number).
    public func next() throws(RecordingError) -> RecordedFrame? {
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while true {
            let count = getline(&line, &capacity, file)
            guard count >= 0, let line else { return nil }
            number += 1
            let bytes = UnsafeRawBufferPointer(start: line, count: count)
            let complete = count > 0 && bytes[count - 1] == 0x0A
            let content = bytes[0..<(complete ? count - 1 : count)]
            if content.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            do throws(RecordingError) {
                return try Recording.decode(content)
            } catch {
                if !complete {
                    truncated = true
                    return nil
                }
                throw RecordingError("line \(number): \(error.message)")
            }
        }
    }

    /// Every frame of a file (for tests and small recordings).
    public static func readAll(path: String) throws(RecordingError) -> [RecordedFrame] {
        guard let reader = RecordingReader(path: path) else {
            throw RecordingError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        var frames: [RecordedFrame] = []
        while let frame = try reader.next() { frames.append(frame) }
        return frames
    }
}
