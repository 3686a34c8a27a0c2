import RealModule

/// An in-place iterative radix-2 complex FFT in `Double` (Cooley & Tukey 1965), used to
/// compose privacy loss distributions. Internal to the PLD code.
enum PLDFourier {
    /// The smallest power of two ≥ `n` (n ≥ 1).
    static func powerOfTwo(atLeast n: Int) -> Int {
        precondition(n >= 1 && n <= 1 << 40, "FFT length \(n) out of range")
        var size = 1
        while size < n { size <<= 1 }
        return size
    }

    /// Transforms (`real`, `imaginary`) in place: X_k = Σ_n x_n e^{∓2πikn/N} (− forward,
    /// + inverse; the inverse also divides by N).
    /// - Precondition: both arrays have the same power-of-two length.
    static func transform(real: inout [Double], imaginary: inout [Double], inverse: Bool) {
        let n = real.count
        precondition(
            n == imaginary.count && n > 0 && n & (n - 1) == 0,
            "FFT needs equal power-of-two lengths, got \(n), \(imaginary.count)")
        real.withUnsafeMutableBufferPointer { re in
            imaginary.withUnsafeMutableBufferPointer { im in
                // Bit-reversal permutation.
                var j = 0
                for i in 1..<Swift.max(n, 2) where i < n {
                    var bit = n >> 1
                    while j & bit != 0 {
                        j ^= bit
                        bit >>= 1
                    }
                    j |= bit
                    if i < j {
                        re.swapAt(i, j)
                        im.swapAt(i, j)
                    }
                }
                // Butterflies; twiddles from a per-stage table computed directly (no recurrence drift).
                let sign = inverse ? 1.0 : -1.0
                var length = 2
                var cosTable = [Double](repeating: 0, count: n / 2)
                var sinTable = [Double](repeating: 0, count: n / 2)
                while length <= n {
                    let half = length / 2
                    let angle = sign * 2 * Double.pi / Double(length)
                    for k in 0..<half {
                        cosTable[k] = Double.cos(angle * Double(k))
                        sinTable[k] = Double.sin(angle * Double(k))
                    }
                    var start = 0
                    while start < n {
                        for k in 0..<half {
                            let a = start + k
                            let b = a + half
                            let wr = cosTable[k]
                            let wi = sinTable[k]
                            let tr = re[b] * wr - im[b] * wi
                            let ti = re[b] * wi + im[b] * wr
                            re[b] = re[a] - tr
                            im[b] = im[a] - ti
                            re[a] += tr
                            im[a] += ti
                        }
                        start += length
                    }
                    length <<= 1
                }
                if inverse {
                    let scale = 1 / Double(n)
                    for i in 0..<n {
                        re[i] *= scale
                        im[i] *= scale
                    }
                }
            }
        }
    }

    /// Linear convolution of two non-negative sequences, `[a.count + b.count − 1]`; negative
    /// round-off is clamped to zero.
    static func convolve(_ a: [Double], _ b: [Double]) -> [Double] {
        let length = a.count + b.count - 1
        let size = powerOfTwo(atLeast: length)
        var ar = a + [Double](repeating: 0, count: size - a.count)
        var ai = [Double](repeating: 0, count: size)
        var br = b + [Double](repeating: 0, count: size - b.count)
        var bi = [Double](repeating: 0, count: size)
        transform(real: &ar, imaginary: &ai, inverse: false)
        transform(real: &br, imaginary: &bi, inverse: false)
        for k in 0..<size {
            let r = ar[k] * br[k] - ai[k] * bi[k]
            let i = ar[k] * bi[k] + ai[k] * br[k]
            ar[k] = r
            ai[k] = i
        }
        transform(real: &ar, imaginary: &ai, inverse: true)
        return (0..<length).map { Swift.max(0, ar[$0]) }
    }

    /// Circular T-fold self-convolution of `input` on a ring of `size` (a power of two ≥
    /// `input.count`), by raising each Fourier coefficient to the power T in polar form.
    static func selfConvolveCircular(_ input: [Double], times: Int, size: Int) -> [Double] {
        precondition(
            size >= input.count && size & (size - 1) == 0, "Ring size \(size) must be a power of two ≥ \(input.count)")
        var re = input + [Double](repeating: 0, count: size - input.count)
        var im = [Double](repeating: 0, count: size)
        transform(real: &re, imaginary: &im, inverse: false)
        let t = Double(times)
        for k in 0..<size {
            let modulus = (re[k] * re[k] + im[k] * im[k]).squareRoot()
            if modulus == 0 {
                re[k] = 0
                im[k] = 0
                continue
            }
            let magnitude = Double.exp(t * Double.log(modulus))
            let phase = t * Double.atan2(y: im[k], x: re[k])
            re[k] = magnitude * Double.cos(phase)
            im[k] = magnitude * Double.sin(phase)
        }
        transform(real: &re, imaginary: &im, inverse: true)
        return re.map { Swift.max(0, $0) }
    }
}
