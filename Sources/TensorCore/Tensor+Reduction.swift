import RealModule

// Reductions and the (log-)softmax over the last axis.

extension Tensor {
    /// Sum of all elements (accumulated in order, so reproducible).
    @inlinable
    public func sum() -> Scalar {
        var s: Scalar = 0
        for v in scalars { s += v }
        return s
    }

    /// Mean of all elements.
    /// - Precondition: the tensor is not empty.
    @inlinable
    public func mean() -> Scalar {
        precondition(count > 0, "mean() of an empty tensor")
        return sum() / Scalar(count)
    }

    /// Sum of squares of all elements (the squared L2 norm).
    @inlinable
    public func squaredNorm() -> Scalar {
        var s: Scalar = 0
        for v in scalars { s += v * v }
        return s
    }

    /// Largest element.
    /// - Precondition: the tensor is not empty.
    @inlinable
    public func max() -> Scalar {
        precondition(count > 0, "max() of an empty tensor")
        return scalars.max()!  // non-empty, checked above
    }

    /// Smallest element.
    /// - Precondition: the tensor is not empty.
    @inlinable
    public func min() -> Scalar {
        precondition(count > 0, "min() of an empty tensor")
        return scalars.min()!  // non-empty, checked above
    }

    /// Sums over one axis, removing it from the shape.
    ///
    /// For a `[batch, features]` tensor, `sum(alongAxis: 0)` gives the `[features]` column sums
    /// (the bias gradient of a dense layer) and `sum(alongAxis: 1)` the `[batch]` row sums.
    /// - Precondition: `0 <= axis < rank`.
    @inlinable
    public func sum(alongAxis axis: Int) -> Tensor {
        precondition(axis >= 0 && axis < rank, "Axis \(axis) out of range for shape \(shape)")
        let outer = shape[..<axis].reduce(1, *)
        let n = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var out = [Scalar](repeating: 0, count: outer * inner)
        out.withUnsafeMutableBufferPointer { o in
            scalars.withUnsafeBufferPointer { x in
                for a in 0..<outer {
                    for i in 0..<n {
                        let src = (a * n + i) * inner
                        let dst = a * inner
                        for b in 0..<inner { o[dst + b] += x[src + b] }
                    }
                }
            }
        }
        var newShape = shape
        newShape.remove(at: axis)
        return Tensor(shape: newShape, scalars: out)
    }

    /// Mean over one axis, removing it from the shape.
    @inlinable
    public func mean(alongAxis axis: Int) -> Tensor {
        precondition(axis >= 0 && axis < rank && shape[axis] > 0, "Axis \(axis) invalid for shape \(shape)")
        return sum(alongAxis: axis) * (1 / Scalar(shape[axis]))
    }

    /// Index of the largest element in each row of the last axis; shape `shape.dropLast()`.
    @inlinable
    public func argmaxAlongLastAxis() -> [Int] {
        let d = shape.last ?? 1
        precondition(d > 0, "argmax over an empty axis")
        let rows = count / d
        var result = [Int](repeating: 0, count: rows)
        for r in 0..<rows {
            var best = 0
            var bestValue = scalars[r * d]
            for j in 1..<d where scalars[r * d + j] > bestValue {
                best = j
                bestValue = scalars[r * d + j]
            }
            result[r] = best
        }
        return result
    }

    /// Softmax over the last axis, computed stably (max subtracted first).
    @inlinable
    public func softmax() -> Tensor {
        let d = shape.last ?? 1
        precondition(d > 0, "softmax over an empty axis")
        var out = scalars
        let rows = count / d
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<rows {
                let base = r * d
                var m = o[base]
                for j in 1..<d { m = Swift.max(m, o[base + j]) }
                var s: Scalar = 0
                for j in 0..<d {
                    let e = Scalar.exp(o[base + j] - m)
                    o[base + j] = e
                    s += e
                }
                let inv = 1 / s
                for j in 0..<d { o[base + j] *= inv }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Log-softmax over the last axis: `x − max − log Σ exp(x − max)`.
    @inlinable
    public func logSoftmax() -> Tensor {
        let d = shape.last ?? 1
        precondition(d > 0, "logSoftmax over an empty axis")
        var out = scalars
        let rows = count / d
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<rows {
                let base = r * d
                var m = o[base]
                for j in 1..<d { m = Swift.max(m, o[base + j]) }
                var s: Scalar = 0
                for j in 0..<d { s += Scalar.exp(o[base + j] - m) }
                let shift = m + Scalar.log(s)
                for j in 0..<d { o[base + j] -= shift }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }
}
