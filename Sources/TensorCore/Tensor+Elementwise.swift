// Element-wise arithmetic, mapping and broadcasting of a row vector.

extension Tensor {
    /// Applies `transform` to every element.
    @inlinable
    public func map(_ transform: (Scalar) -> Scalar) -> Tensor {
        Tensor(shape: shape, scalars: scalars.map(transform))
    }

    /// Combines two same-shaped tensors element by element.
    /// - Precondition: `self.shape == other.shape`.
    @inlinable
    public func zipMap(_ other: Tensor, _ combine: (Scalar, Scalar) -> Scalar) -> Tensor {
        precondition(shape == other.shape, "Element-wise op on shapes \(shape) and \(other.shape)")
        var out = scalars
        out.withUnsafeMutableBufferPointer { o in
            other.scalars.withUnsafeBufferPointer { b in
                for i in 0..<o.count { o[i] = combine(o[i], b[i]) }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    @inlinable
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, +) }
    @inlinable
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, -) }
    /// Element-wise (Hadamard) product.
    @inlinable
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, *) }
    @inlinable
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, /) }

    @inlinable
    public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { rhs.map { lhs * $0 } }
    @inlinable
    public static func * (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.map { $0 * rhs } }
    @inlinable
    public static func + (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.map { $0 + rhs } }
    @inlinable
    public static func - (lhs: Tensor, rhs: Scalar) -> Tensor { lhs.map { $0 - rhs } }
    @inlinable
    public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }

    /// `self += rhs` element-wise.
    @inlinable
    public static func += (lhs: inout Tensor, rhs: Tensor) {
        precondition(lhs.shape == rhs.shape, "+= on shapes \(lhs.shape) and \(rhs.shape)")
        lhs.scalars.withUnsafeMutableBufferPointer { o in
            rhs.scalars.withUnsafeBufferPointer { b in
                for i in 0..<o.count { o[i] += b[i] }
            }
        }
    }

    /// `self -= rhs` element-wise.
    @inlinable
    public static func -= (lhs: inout Tensor, rhs: Tensor) {
        precondition(lhs.shape == rhs.shape, "-= on shapes \(lhs.shape) and \(rhs.shape)")
        lhs.scalars.withUnsafeMutableBufferPointer { o in
            rhs.scalars.withUnsafeBufferPointer { b in
                for i in 0..<o.count { o[i] -= b[i] }
            }
        }
    }

    /// `self *= factor`.
    @inlinable
    public static func *= (lhs: inout Tensor, factor: Scalar) {
        lhs.scalars.withUnsafeMutableBufferPointer { o in
            for i in 0..<o.count { o[i] *= factor }
        }
    }

    /// `self += alpha · x` (BLAS axpy).
    /// - Precondition: same shapes.
    @inlinable
    public mutating func addScaled(_ x: Tensor, by alpha: Scalar) {
        precondition(shape == x.shape, "addScaled on shapes \(shape) and \(x.shape)")
        let n = count
        scalars.withUnsafeMutableBufferPointer { y in
            x.scalars.withUnsafeBufferPointer { xb in
                Scalar.axpy(count: n, alpha: alpha, x: xb.baseAddress!, y: y.baseAddress!)
            }
        }
    }

    /// Adds `row` (shape `[d]`) to every row of a `[..., d]` tensor (bias broadcasting).
    /// - Precondition: `row.count` equals the last extent.
    @inlinable
    public func addingRow(_ row: Tensor) -> Tensor {
        var out = self
        out.addRow(row)
        return out
    }

    /// In-place ``addingRow(_:)``.
    @inlinable
    public mutating func addRow(_ row: Tensor) {
        let d = shape.last ?? 1
        precondition(row.count == d, "Row of \(row.count) elements cannot broadcast over shape \(shape)")
        guard d > 0 else { return }
        let rows = count / d
        scalars.withUnsafeMutableBufferPointer { o in
            row.scalars.withUnsafeBufferPointer { r in
                for i in 0..<rows {
                    let base = i * d
                    for j in 0..<d { o[base + j] += r[j] }
                }
            }
        }
    }

    /// Multiplies every row of a `[..., d]` tensor by `row` (shape `[d]`) element-wise.
    @inlinable
    public func multiplyingRow(_ row: Tensor) -> Tensor {
        let d = shape.last ?? 1
        precondition(row.count == d, "Row of \(row.count) elements cannot broadcast over shape \(shape)")
        var out = self
        guard d > 0 else { return out }
        let rows = count / d
        out.scalars.withUnsafeMutableBufferPointer { o in
            row.scalars.withUnsafeBufferPointer { r in
                for i in 0..<rows {
                    let base = i * d
                    for j in 0..<d { o[base + j] *= r[j] }
                }
            }
        }
        return out
    }

    /// Largest absolute element-wise difference, for tests and checks.
    @inlinable
    public func maxAbsoluteDifference(_ other: Tensor) -> Scalar {
        precondition(shape == other.shape, "Comparing shapes \(shape) and \(other.shape)")
        var m: Scalar = 0
        for i in 0..<count { m = Swift.max(m, Swift.abs(scalars[i] - other.scalars[i])) }
        return m
    }
}
