import Foundation

/// The libFuzzer entry point. One binary holds every target (the layers a chapter goes through are compiled once, with
/// the fuzzer and AddressSanitizer); `RUNBOOK_FUZZ_TARGET` picks which one runs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = UnsafeBufferPointer(start: bytes, count: count)
    switch ProcessInfo.processInfo.environment["RUNBOOK_FUZZ_TARGET"] {
    case "variables": fuzzVariables(input)
    default: fuzzChapter(input)
    }
    return 0
}
