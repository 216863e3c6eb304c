#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` on a new POSIX thread (no Foundation needed). Detached unless `joinable`; a joinable
/// thread's handle must be passed to `pthread_join` (the thread sanitizer reports it otherwise).
@discardableResult
public func startThread(joinable: Bool = false, _ body: @escaping @Sendable () -> Void) -> pthread_t? {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(&thread, nil, { raw in
        let box = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue() as! Box
        box.body()
        return nil
    }, box)
    if status != 0 {
        Unmanaged<AnyObject>.fromOpaque(box).release()
        return nil
    }
    if !joinable { pthread_detach(thread) }
    return thread
}
