internal import CSemComKernels

/// The Adam / AdamW update on Float arrays (Kingma & Ba 2015; decoupled weight decay, Loshchilov &
/// Hutter 2019), for NeuralNet's optimizers.
///
/// Swift's `SIMD8<Float>` arithmetic compiles to 128-bit SSE on the x86-64 baseline, with the square
/// root taken lane by lane; this kernel (C target CSemComKernels) uses 256-bit AVX when the CPU has
/// it, and splits large updates on TensorCore's thread pool (``BLAS/setThreadCount(_:)``). Every
/// multiply and add is rounded on its own, in the order of the scalar formula, and square root and
/// division are correctly rounded, so each element gets the same bits on every path and thread count:
///
/// ```
/// p ← p · keep
/// g' = g + weightDecay · p
/// m ← β₁ · m + (1 − β₁) · g'
/// v ← β₂ · v + ((1 − β₂) · g') · g'
/// p ← p − (stepSize · m) / (√v · inverseRootCorrection2 + ε)
/// ```
package enum AdamKernel {
    /// The step's constants, each already rounded to Float.
    package struct Constants: Sendable {
        package var stepSize: Float
        package var inverseRootCorrection2: Float
        package var beta1: Float
        package var beta2: Float
        package var oneMinusBeta1: Float
        package var oneMinusBeta2: Float
        package var epsilon: Float
        package var weightDecay: Float
        /// `1 − η · λ` (decoupled weight decay), 1 without.
        package var keep: Float

        package init(
            stepSize: Float, inverseRootCorrection2: Float, beta1: Float, beta2: Float, oneMinusBeta1: Float,
            oneMinusBeta2: Float, epsilon: Float, weightDecay: Float, keep: Float
        ) {
            self.stepSize = stepSize
            self.inverseRootCorrection2 = inverseRootCorrection2
            self.beta1 = beta1
            self.beta2 = beta2
            self.oneMinusBeta1 = oneMinusBeta1
            self.oneMinusBeta2 = oneMinusBeta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
            self.keep = keep
        }
    }

    /// One step on parameters `p`, gradients `g`, first moments `m` and second moments `v`, in place.
    /// - Parameters:
    ///   - vectorized: `false` forces the scalar C path (for tests comparing both).
    ///   - threads: threads to split on; `nil` for ``BLAS/threadCount``.
    /// - Precondition: the four buffers have the same count.
    package static func step(
        _ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ m: UnsafeMutableBufferPointer<Float>,
        _ v: UnsafeMutableBufferPointer<Float>, _ c: Constants, vectorized: Bool = true, threads: Int? = nil
    ) {
        precondition(
            g.count == p.count && m.count == p.count && v.count == p.count,
            "Adam step: \(p.count) parameters, \(g.count) gradients, \(m.count) and \(v.count) moments")
        guard let pb = p.baseAddress, let gb = g.baseAddress, let mb = m.baseAddress, let vb = v.baseAddress else {
            return
        }
        BLAS.configureOnce()
        var constants = semcom_adam_constants(
            step_size: c.stepSize, inverse_root_correction2: c.inverseRootCorrection2, beta1: c.beta1, beta2: c.beta2,
            one_minus_beta1: c.oneMinusBeta1, one_minus_beta2: c.oneMinusBeta2, epsilon: c.epsilon,
            weight_decay: c.weightDecay, keep: c.keep)
        let avx: Int32 = vectorized ? SmallDense.hasAVX2FMA : 0
        semcom_adam_f32(pb, gb, mb, vb, p.count, &constants, avx, Int32(threads ?? PooledBLAS.threads))
    }
}
