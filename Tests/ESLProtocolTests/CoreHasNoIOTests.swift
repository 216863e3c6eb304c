import Foundation
import Testing

/// ESLProtocol is the protocol core: it must stay free of I/O (no socket, file, thread, lock, poll or
/// clock call), so that it can be driven and tested with bytes alone. The package's target dependencies
/// keep other modules out; this keeps the system's I/O calls out of its sources.
@Suite struct CoreHasNoIOTests {
    static let sources: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/ESLProtocol")

    /// Calls into the C library or the system that do I/O or read the clock.
    static let forbiddenCalls = [
        "read", "write", "open", "close", "fopen", "fdopen", "fread", "fwrite", "fgets", "fclose", "getline", "fflush",
        "poll", "select", "epoll_wait", "socket", "connect", "accept", "bind", "listen", "recv", "send", "shutdown",
        "getaddrinfo", "inet_pton", "clock_gettime", "gettimeofday", "time", "sleep", "usleep", "nanosleep", "pipe",
        "fcntl", "ioctl", "isatty", "stat", "unlink", "mkdir", "opendir", "kill", "signal", "sigaction", "exit",
    ]
    /// Types that are threads, locks, queues or files.
    static let forbiddenTypes = ["Thread", "DispatchQueue", "Mutex", "NSLock", "NSCondition", "FileManager", "FileHandle",
                                 "ContinuousClock", "SuspendingClock", "Task"]
    /// The C library is there for memchr, memcmp and the calendar (gmtime_r, timegm); Synchronization for a
    /// lock-free lazy reference (HeaderTable). Nothing else is imported.
    static let allowedImports: Set<String> = ["Glibc", "Darwin", "Synchronization"]

    static func files() throws -> [(name: String, code: String)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }.sorted()
        return try names.map { name in
            let text = try String(contentsOf: sources.appendingPathComponent(name), encoding: .utf8)
            // Comments and string literals say what they like.
            let code = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                var line = String(line)
                if let comment = line.range(of: "//") { line = String(line[..<comment.lowerBound]) }
                return line.replacing(/"[^"]*"/, with: "\"\"")
            }.joined(separator: "\n")
            return (name, code)
        }
    }

    @Test func theCoreMakesNoIOCall() throws {
        let files = try Self.files()
        try #require(files.count > 20, "the core's sources were not found at \(Self.sources.path)")
        let all = files.map(\.code).joined(separator: "\n")
        // The module's own functions of these names (XMLEventReader's close(), JSONEventReader.read) are not calls out.
        let declared = Set(all.matches(of: /func\s+(\w+)/).map { String($0.1) })
        var found: [String] = []
        for (name, code) in files {
            for match in code.matches(of: /(?:^|[^\w.])([a-z_][a-z_0-9]*)\s*\(/.anchorsMatchLineEndings()) {
                let called = String(match.1)
                if called.hasPrefix("pthread_") || (Self.forbiddenCalls.contains(called) && !declared.contains(called)) {
                    found.append("\(name): \(called)(")
                }
            }
            for match in code.matches(of: /\b([A-Z]\w*)\b/) where Self.forbiddenTypes.contains(String(match.1)) {
                found.append("\(name): \(match.1)")
            }
            for match in code.matches(of: /^\s*(?:@\w+\s+)?import\s+(\w+)/.anchorsMatchLineEndings()) where !Self.allowedImports.contains(String(match.1)) {
                found.append("\(name): import \(match.1)")
            }
        }
        #expect(found == [])
    }

    @Test func theCheckFindsACallOut() {
        let code = "let n = read(fd, &buffer, 10)\nThread { }\n"
        #expect(code.matches(of: /(?:^|[^\w.])([a-z_][a-z_0-9]*)\s*\(/.anchorsMatchLineEndings()).map { String($0.1) }.contains("read"))
        #expect(code.matches(of: /\b([A-Z]\w*)\b/).map { String($0.1) }.contains("Thread"))
    }
}
