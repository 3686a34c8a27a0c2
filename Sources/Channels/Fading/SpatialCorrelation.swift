import RealModule
import TensorCore

/// A second receiver's view of a Rayleigh channel at distance `d` from the first (an
/// eavesdropper near Bob, or a second antenna), correlated by Clarke's spatial correlation
/// `ρ(d) = J0(2π d/λ)`.
///
/// ## Model
/// Given Bob's coefficients `h_bob ~ CN(0, 1)`, the other receiver observes
///
///     h_eve = ρ·h_bob + √(1 − ρ²)·w,    w ~ CN(0, 1) independent of h_bob,
///
/// so `h_eve ~ CN(0, 1)` and `E[h_eve·h_bob*] = ρ`: the pair is jointly circular Gaussian with
/// exactly the correlation of two omnidirectional antennas a distance `d` apart in a uniform
/// 2-D isotropic scattering field (Clarke 1968; Jakes, *Microwave Mobile Communications*, 1974,
/// §1.5). `ρ` is real and may be negative (e.g. `ρ(λ/2) ≈ −0.30`); its first zero is at
/// `d ≈ 0.383 λ`. It is the model physical-layer key generation uses to show that an
/// eavesdropper more than about half a wavelength away learns little about the shared channel.
/// For Rician coefficients only the diffuse part decorrelates in reality; this model is stated
/// for Rayleigh fading.
///
/// ```swift
/// var rng = Xoshiro256(seed: 6)
/// let bob = RayleighFading(coherence: .perExample, noise: nil).sampleState(for: [1000, 2], using: &rng)
/// let eve = SpatialCorrelation(distanceInWavelengths: 0.5).observe(bob, using: &rng)
/// ```
public struct SpatialCorrelation: Sendable, Equatable {
    /// The correlation coefficient ρ between the two receivers' coefficients, in [−1, 1].
    public var correlation: Double

    /// The correlation of two receivers `distanceInWavelengths` wavelengths apart: `ρ = J0(2π d/λ)`.
    /// - Precondition: `distanceInWavelengths ≥ 0` and finite.
    public init(distanceInWavelengths: Double) {
        precondition(
            distanceInWavelengths >= 0 && distanceInWavelengths.isFinite,
            "Distance must be finite and ≥ 0 wavelengths, got \(distanceInWavelengths)")
        self.correlation = SpecialFunctions.besselJ0(2 * Double.pi * distanceInWavelengths)
    }

    /// A given correlation coefficient `ρ`.
    /// - Precondition: `−1 ≤ correlation ≤ 1`.
    public init(correlation: Double) {
        precondition(correlation >= -1 && correlation <= 1, "Correlation must be in [−1, 1], got \(correlation)")
        self.correlation = correlation
    }

    /// The correlated observation `ρ·h + √(1 − ρ²)·w` of complex coefficients `h`.
    /// - Parameters:
    ///   - coefficients: `[batch, 2·m]` (or any shape with an even last axis), interleaved (real, imag).
    ///   - rng: the generator for `w` (one `Tensor.gaussian` of the same shape, standard deviation √½).
    /// - Returns: the other receiver's coefficients, same shape.
    public func observe<G: RandomNumberGenerator>(coefficients: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        precondition(
            coefficients.rank >= 1 && coefficients.shape.last! % 2 == 0,  // rank ≥ 1 checked first
            "Complex coefficients need an even last axis, got shape \(coefficients.shape)")
        let rho = Float(correlation)
        let innovation = Float((1 - correlation * correlation).squareRoot())
        var w = Tensor<Float>.gaussian(shape: coefficients.shape, standardDeviation: Float(0.5).squareRoot(), using: &rng)
        w.scalars.withUnsafeMutableBufferPointer { o in
            coefficients.scalars.withUnsafeBufferPointer { h in
                for i in 0..<o.count { o[i] = rho * h[i] + innovation * o[i] }
            }
        }
        return w
    }

    /// The other receiver's fading state: same block structure and noise variances, coefficients
    /// replaced by ``observe(coefficients:using:)``.
    public func observe<G: RandomNumberGenerator>(_ state: FlatFadingState, using rng: inout G) -> FlatFadingState {
        var other = state
        other.coefficients = observe(coefficients: state.coefficients, using: &rng)
        return other
    }
}
