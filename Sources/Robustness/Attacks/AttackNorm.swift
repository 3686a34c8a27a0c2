import TensorCore
import RealModule

/// The norm an attack budget is measured in.
public enum AttackNorm: String, Sendable, Hashable, CaseIterable, Codable {
    /// The largest absolute change of any coordinate (L∞).
    case linf
    /// The Euclidean length of the change (L2).
    case l2

    /// The norm of one row.
    func norm(_ row: ArraySlice<Float>) -> Float {
        switch self {
        case .linf: row.reduce(0) { Swift.max($0, abs($1)) }
        case .l2: row.reduce(0) { $0 + $1 * $1 }.squareRoot()
        }
    }

    /// The steepest-ascent direction of a gradient row under this norm (sign for L∞, unit vector
    /// for L2; zero for a zero gradient).
    func ascentDirection(_ gradient: ArraySlice<Float>) -> [Float] {
        switch self {
        case .linf:
            return gradient.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
        case .l2:
            let length = gradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return length > 0 ? gradient.map { $0 / length } : gradient.map { _ in 0 }
        }
    }

    /// Projects a row onto the ball of radius `radius` (clipping for L∞, rescaling for L2).
    func project(_ row: inout ArraySlice<Float>, radius: Float) {
        switch self {
        case .linf:
            for i in row.indices { row[i] = Swift.min(Swift.max(row[i], -radius), radius) }
        case .l2:
            let length = norm(row)
            if length > radius {
                let factor = length > 0 ? radius / length : 0
                for i in row.indices { row[i] *= factor }
            }
        }
    }

    /// A uniform draw from the ball of radius `radius` over the `mask`ed coordinates (uniform per
    /// coordinate for L∞; a uniform direction at radius `radius · u^{1/d}` for L2).
    func randomPoint<G: RandomNumberGenerator>(count: Int, mask: [Bool], radius: Float, using rng: inout G) -> [Float] {
        var point = [Float](repeating: 0, count: count)
        switch self {
        case .linf:
            for i in 0..<count where mask[i] { point[i] = radius * (2 * rng.nextUnitFloat() - 1) }
        case .l2:
            var length: Float = 0
            for i in 0..<count where mask[i] {
                point[i] = Float(rng.nextStandardGaussian())
                length += point[i] * point[i]
            }
            let dimensions = Float(Swift.max(mask.filter { $0 }.count, 1))
            let r = radius * Float.pow(rng.nextUnitFloat(), 1 / dimensions)
            let factor = length > 0 ? r / length.squareRoot() : 0
            for i in 0..<count { point[i] *= factor }
        }
        return point
    }
}
