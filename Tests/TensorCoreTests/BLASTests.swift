import Testing

@testable import TensorCore

@Suite struct BLASTests {
    /// Inside a single-thread section BLAS runs on one thread whatever other code asks for
    /// (concurrent tests and CLI runs set the count too); requests are deferred to the section's
    /// end, and nested sections keep the count at 1 until the outer one ends.
    @Test func singleThreadSectionsHoldAgainstConcurrentRequests() {
        BLAS.withSingleThread {
            #expect(BLAS.threadCount == 1)
            BLAS.setThreadCount(2)
            #expect(BLAS.threadCount == 1)
            BLAS.withSingleThread { #expect(BLAS.threadCount == 1) }
            #expect(BLAS.threadCount == 1)
        }
        let value: Int = BLAS.withSingleThread { 41 + BLAS.threadCount }
        #expect(value == 42)
        BLAS.setThreadCount(1)
    }
}
