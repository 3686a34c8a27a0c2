/// Special functions the channel models need, in `Double`.
///
/// - ``besselJ0(_:)``: the Bessel function of the first kind of order 0 (Clarke/Jakes
///   autocorrelation `J0(2π f_D τ)` and spatial correlation `J0(2π d/λ)`).
/// - ``exponentialIntegralE1(_:)`` and ``scaledExponentialIntegralE1(_:)``: `E1(x)` and `eˣ·E1(x)`
///   (ergodic Rayleigh capacity).
public enum SpecialFunctions {}
