import Testing

extension Tag {
    /// Statistical tests: fixed seeds, tolerances of at least 5 standard errors.
    @Tag static var statistical: Self
}

/// Sample moments: mean, variance, skewness, excess kurtosis (two-pass, in Double).
func moments<C: Collection>(_ values: C) -> (mean: Double, variance: Double, skewness: Double, kurtosis: Double)
where C.Element: BinaryFloatingPoint {
    let n = Double(values.count)
    var sum = 0.0
    for v in values { sum += Double(v) }
    let mean = sum / n
    var m2 = 0.0
    var m3 = 0.0
    var m4 = 0.0
    for v in values {
        let d = Double(v) - mean
        let d2 = d * d
        m2 += d2
        m3 += d2 * d
        m4 += d2 * d2
    }
    m2 /= n
    m3 /= n
    m4 /= n
    return (mean, m2, m3 / (m2 * m2.squareRoot()), m4 / (m2 * m2) - 3)
}
