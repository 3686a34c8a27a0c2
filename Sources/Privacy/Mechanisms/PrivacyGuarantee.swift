/// The privacy a mechanism provides for one application, in the strongest form we can state.
///
/// - ``pure(epsilon:)``: ε-differential privacy (Dwork, McSherry, Nissim & Smith 2006).
/// - ``approximate(epsilon:delta:)``: (ε, δ)-differential privacy.
/// - ``concentrated(rho:)``: ρ-zero-concentrated differential privacy (Bun & Steinke 2016),
///   i.e. Rényi DP of every order α > 1 with ε(α) = ρ·α.
public enum PrivacyGuarantee: Sendable, Hashable, CustomStringConvertible {
    /// ε-DP.
    case pure(epsilon: Double)
    /// (ε, δ)-DP.
    case approximate(epsilon: Double, delta: Double)
    /// ρ-zCDP.
    case concentrated(rho: Double)

    /// A short human-readable form, e.g. `"(ε = 1.0, δ = 1e-05)-DP"`.
    public var description: String {
        switch self {
        case .pure(let epsilon): "ε = \(epsilon)-DP"
        case .approximate(let epsilon, let delta): "(ε = \(epsilon), δ = \(delta))-DP"
        case .concentrated(let rho): "ρ = \(rho)-zCDP"
        }
    }
}
