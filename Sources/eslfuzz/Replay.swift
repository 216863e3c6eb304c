import ESLProtocol
import ESLFuzzing
import ESLClient
#if canImport(Glibc)
import Glibc
#endif

/// `ESLFUZZ_TARGET=parsers` fuzzes the parsers of files and answers (`ParserFuzzTarget`); anything
/// else, the decoders of server bytes (`FuzzTarget`). One binary, so `make fuzz` builds once.
let fuzzParsers = getenv("ESLFUZZ_TARGET").map { String(cString: $0) == "parsers" } ?? false

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    if fuzzParsers { ParserFuzzTarget.run(input) } else { FuzzTarget.run(input) }
    return 0
}

#if !FUZZING

/// Without the fuzzer (a normal build), the same target replays inputs given as files: how a finding
/// is reproduced, and how the regression inputs are checked.
@main
struct Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let bytes = FileBytes.read(path) else {
                let message = Array("eslfuzz: cannot read \(path)\n".utf8)
                _ = write(2, message, message.count)
                exit(2)
            }
            bytes.withUnsafeBufferPointer { fuzzParsers ? ParserFuzzTarget.run($0) : FuzzTarget.run($0) }
        }
    }
}
#endif
