#if canImport(Glibc)
import Glibc
#endif
import ESLProtocol

/// Reads a whole file with stdio: config files, fixtures and fuzz inputs, without Foundation.
public enum FileBytes {
    /// The file's bytes, or nil when it cannot be opened (errno says why).
    public static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }
}
