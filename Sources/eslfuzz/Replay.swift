import ESLProtocol
import ESLFuzzing
import ESLClient
#if canImport(Glibc)
import Glibc
#endif

/// `ESLFUZZ_TARGET=parsers` fuzzes the parsers of files and answers (`ParserFuzzTarget`), the first
/// byte picking one; `config`, `recording`, `show`, `script` or `tables` holds it to that one; anything
/// else, the decoders of server bytes (`FuzzTarget`). One binary, so `make fuzz` builds once.
let target = getenv("ESLFUZZ_TARGET").map { String(cString: $0) } ?? ""
let fuzzParsers = target == "parsers" || ParserFuzzTarget.Kind(name: target) != nil
let parserKind = ParserFuzzTarget.Kind(name: target)

func runOne(_ input: UnsafeBufferPointer<UInt8>) {
    if fuzzParsers { ParserFuzzTarget.run(input, only: parserKind) } else { FuzzTarget.run(input) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    runOne(UnsafeBufferPointer(start: data, count: size))
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
            bytes.withUnsafeBufferPointer(runOne)
        }
    }
}
#endif
