import Synchronization
import TensorCore

/// Recycles large scratch arrays between calls, so that repeated inference does not return
/// memory to the operating system and fault it back in on every call.
///
/// Arrays are kept by exact element count, at most ``maximumPerCount`` of each and only from
/// ``minimumCount`` elements up. Handing in an array that is still referenced elsewhere is safe
/// (arrays are values: the next writer copies it) but saves nothing.
final class BufferPool<Scalar: TensorScalar>: Sendable {
    /// Arrays smaller than this are not kept (the allocator serves them cheaply).
    static var minimumCount: Int { 16_384 }
    /// The most arrays kept per element count.
    static var maximumPerCount: Int { 4 }

    private let buffers = Mutex<[Int: [[Scalar]]]>([:])

    /// An array of exactly `count` elements with unspecified contents, if one is available.
    func take(count: Int) -> [Scalar]? {
        guard count >= Self.minimumCount else { return nil }
        return buffers.withLock { stock -> [Scalar]? in stock[count]?.popLast() }
    }

    /// Keeps `array` for a later ``take(count:)``.
    func recycle(_ array: [Scalar]) {
        let count = array.count
        guard count >= Self.minimumCount else { return }
        buffers.withLock { stock in
            if stock[count, default: []].count < Self.maximumPerCount {
                stock[count, default: []].append(array)
            }
        }
    }
}
