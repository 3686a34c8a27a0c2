import TensorCore

/// Largest symmetric relative error between two same-shaped tensors (`floor` guards zeros).
func maxRelativeError(_ a: Tensor<Double>, _ b: Tensor<Double>, floor: Double = 1e-9) -> Double {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape)")
    var worst = 0.0
    for i in 0..<a.count {
        let d = abs(a.scalars[i] - b.scalars[i]) / max(abs(a.scalars[i]) + abs(b.scalars[i]), floor)
        worst = max(worst, d)
    }
    return worst
}

/// Gaussian values pushed at least `margin` away from zero (keeps ReLU/hinge kinks out of
/// finite-difference stencils).
func awayFromZero(_ t: Tensor<Double>, margin: Double = 0.05) -> Tensor<Double> {
    t.map { abs($0) < margin ? ($0 < 0 ? -margin : margin) + $0 : $0 }
}

/// Slice `i` of the outermost axis, without that axis.
func slice(_ t: Tensor<Double>, _ i: Int) -> Tensor<Double> {
    let r = t.rows(i..<(i + 1))
    return r.reshaped(Array(t.shape.dropFirst()))
}
