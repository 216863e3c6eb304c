import ESLProtocol
#if canImport(Glibc)
import Glibc
#endif

func now() -> Double { var t = timespec(); clock_gettime(CLOCK_MONOTONIC, &t); return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9 }

func load(_ path: String) -> [UInt8] {
    guard let f = fopen(path, "rb") else { fatalError(path) }
    var out: [UInt8] = []; var chunk = [UInt8](repeating: 0, count: 65536)
    while true { let n = fread(&chunk, 1, chunk.count, f); if n <= 0 { break }; out += chunk[0..<n] }
    fclose(f); return out
}
let dir = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "../shared/captures"
for format in ["plain", "json", "xml"] {
    let capture = load("\(dir)/call-events-\(format).recv")
    // events only: drop the first 3 frames (auth/request + 2 replies)
    var d = FrameDecoder(); d.feed(capture); var frames: [Frame] = []
    while let f = try! d.next() { frames.append(f) }
    let events = frames.filter { $0.contentType?.hasPrefix("text/event") == true }
    var corpus: [UInt8] = []
    while corpus.count < 50_000_000 { for f in events { corpus += f.bytes } }
    let start = now()
    var decoder = FrameDecoder(); var count = 0; var headers = 0
    var offset = 0
    while offset < corpus.count {
        let end = min(offset + 65536, corpus.count)
        decoder.feed(corpus[offset..<end]); offset = end
        while let frame = try! decoder.next() {
            if case .event(let e, _) = Message(frame: frame) { count += 1; headers += e.headers.count }
        }
    }
    let t = now() - start
    print("decode \(format): \(count) events, \(Double(corpus.count) / t / 1e6) MB/s, \(Double(count)/t) events/s")
}
