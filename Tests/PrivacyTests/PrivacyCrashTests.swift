import Privacy
import TensorCore
import Testing

/// Programmer mistakes trap (house rules §3), checked with exit tests.
@Suite struct PrivacyCrashTests {
    @Test func nonPositiveClippingNormTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = Clipping.clipByGlobalNorm([Tensor<Double>([1, 2])], maxNorm: 0)
        }
    }

    @Test func mismatchedBatchExtentsTrap() async {
        await #expect(processExitsWith: .failure) {
            _ = Clipping.clipAndAccumulate(
                [Tensor<Double>(zeros: [2, 3]), Tensor<Double>(zeros: [3, 1])], maxNorm: 1)
        }
    }

    @Test func nonPositiveStandardDeviationTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = GaussianMechanism(standardDeviation: -1, delta: 1e-5)
        }
    }

    @Test func deltaOutsideUnitIntervalTrapsInPureMath() async {
        await #expect(processExitsWith: .failure) {
            _ = RDPAnalysis.epsilon(order: 2, rdp: 1, delta: 1.5)
        }
    }
}
