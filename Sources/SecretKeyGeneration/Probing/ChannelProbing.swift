import Channels
import RealModule
import TensorCore

/// One session's measurements: Alice's, Bob's and each eavesdropper's, one value per probe.
public struct ProbeMeasurements: Sendable, Hashable {
    /// Alice's measurements at `t_i + δ`.
    public var alice: [Double]
    /// Bob's measurements at `t_i`.
    public var bob: [Double]
    /// Each eavesdropper's measurements of Alice's probes at `t_i`, in the order of
    /// ``ProbingConfiguration/eveDistancesWavelengths``.
    public var eves: [[Double]]
}

/// The probing simulation of ``ProbingConfiguration`` (see there for the model).
public enum ChannelProbing {
    /// Simulates one session.
    /// - Parameters:
    ///   - configuration: the scenario (validated here).
    ///   - rng: the generator: Jakes parameters of the shared channel and of each eavesdropper's
    ///     innovation, then the measurement noise.
    /// - Returns: `N` measurements per party.
    /// - Throws: ``SecretKeyGenerationError`` for an invalid scenario.
    public static func simulate<G: RandomNumberGenerator>(
        _ configuration: ProbingConfiguration, using rng: inout G
    ) throws(SecretKeyGenerationError) -> ProbeMeasurements {
        try configuration.validate()
        let n = configuration.probes
        let steps = configuration.gridStepsPerProbe
        let period = 1 / configuration.probeRateHertz
        let eveCount = configuration.eveDistancesWavelengths.count
        // Realization 0: the reciprocal channel; 1…E: each eavesdropper's independent innovation.
        // Sampled on a grid of step δ (= T/steps): Bob at index i·steps, Alice at i·steps + 1.
        let jakes = JakesFading(
            maximumDopplerHertz: configuration.dopplerHertz, samplePeriodSeconds: period / Double(steps),
            sinusoidCount: configuration.sinusoids, noise: nil)
        let gridLength = (n - 1) * steps + 2
        let h = jakes.sampleCoefficients(batch: 1 + eveCount, symbols: gridLength, using: &rng).scalars
        let noiseStandardDeviation = (0.5 * Double.pow(10, -configuration.snrDecibels / 10)).squareRoot()
        func coefficient(_ realization: Int, _ index: Int) -> (Double, Double) {
            let base = realization * 2 * gridLength + 2 * index
            return (Double(h[base]), Double(h[base + 1]))
        }
        func measure(_ c: (Double, Double), using rng: inout G) -> Double {
            let re = c.0 + noiseStandardDeviation * rng.nextStandardGaussian()
            let im = c.1 + noiseStandardDeviation * rng.nextStandardGaussian()
            let power = re * re + im * im
            switch configuration.quantity {
            case .amplitude: return power.squareRoot()
            case .powerDecibels: return 10 * Double.log10(Swift.max(power, 1e-12))
            }
        }
        var alice = [Double](repeating: 0, count: n)
        var bob = [Double](repeating: 0, count: n)
        var eves = [[Double]](repeating: [Double](repeating: 0, count: n), count: eveCount)
        let correlations = configuration.eveDistancesWavelengths.map {
            SpatialCorrelation(distanceInWavelengths: $0).correlation
        }
        for i in 0..<n {
            let bobIndex = i * steps
            let aliceIndex = configuration.probingDelaySeconds == 0 ? bobIndex : bobIndex + 1
            bob[i] = measure(coefficient(0, bobIndex), using: &rng)
            alice[i] = measure(coefficient(0, aliceIndex), using: &rng)
            let shared = coefficient(0, bobIndex)
            for e in 0..<eveCount {
                let rho = correlations[e]
                let innovation = (1 - rho * rho).squareRoot()
                let w = coefficient(1 + e, bobIndex)
                eves[e][i] = measure((rho * shared.0 + innovation * w.0, rho * shared.1 + innovation * w.1), using: &rng)
            }
        }
        return ProbeMeasurements(alice: alice, bob: bob, eves: eves)
    }
}
