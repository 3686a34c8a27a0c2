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
/// p ← p · (1 − decay)
/// g' = g + weightDecay · p
/// m ← β₁ · m + (1 − β₁) · g'
/// v ← β₂ · v + ((1 − β₂) · g') · g'
/// p ← p − (stepSize · m) / (√v · inverseRootCorrection2 + ε)
/// ```
package enum AdamKernel {
    /// One step on parameters `p`, gradients `g`, first moments `m` and second moments `v`, in place.
    /// - Parameters:
    ///   - stepSize: `η / (1 − β₁ᵗ)`.
    ///   - inverseRootCorrection2: `1 / √(1 − β₂ᵗ)`.
    ///   - weightDecay: L2 weight decay added to the gradient.
    ///   - decay: `η · λ` of decoupled weight decay (0 without).
    ///   - vectorized: `false` forces the scalar C path (for tests comparing both).
    ///   - threads: threads to split on; `nil` for ``BLAS/threadCount``.
    /// - Precondition: the four buffers have the same count.
    package static func step(
        _ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ m: UnsafeMutableBufferPointer<Float>,
        _ v: UnsafeMutableBufferPointer<Float>, stepSize: Float, inverseRootCorrection2: Float, beta1: Float,
        beta2: Float, epsilon: Float, weightDecay: Float, decay: Float, vectorized: Bool = true, threads: Int? = nil
    ) {
        precondition(
            g.count == p.count && m.count == p.count && v.count == p.count,
            "Adam step: \(p.count) parameters, \(g.count) gradients, \(m.count) and \(v.count) moments")
        guard let pb = p.baseAddress, let gb = g.baseAddress, let mb = m.baseAddress, let vb = v.baseAddress else {
            return
        }
        BLAS.configureOnce()
        var constants = semcom_adam_constants(
            step_size: stepSize, inverse_root_correction2: inverseRootCorrection2, beta1: beta1, beta2: beta2,
            epsilon: epsilon, weight_decay: weightDecay, decay: decay)
        let avx: Int32 = vectorized ? SmallDense.hasAVX2FMA : 0
        semcom_adam_f32(pb, gb, mb, vb, p.count, &constants, avx, Int32(threads ?? PooledBLAS.threads))
    }
}
