import ESLProtocol
import ESLFuzzing
import ESLClient
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.run(UnsafeBufferPointer(start: data, count: size))
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
            bytes.withUnsafeBufferPointer { FuzzTarget.run($0) }
        }
    }
}
#endif
