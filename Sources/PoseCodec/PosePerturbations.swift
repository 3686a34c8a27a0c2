// Semantic noise for pose streams: tracking jitter, occlusions and frame drops on raw clip rows.

import HealthData
import SemanticCodec
import TensorCore

/// Pose tracking artefacts as a SemanticCodec `SemanticPerturbation` on raw clip rows
/// `[batch, clipFrames·51]` (stage `input`): each affected clip gets
/// ``HealthData/PoseTrackingNoise`` — extra Gaussian jitter on every visible coordinate, occlusion
/// runs (NaN) and dropped frames (a whole frame NaN) — on top of what the tracker already produced.
///
/// Used at inference to stress a link (`semcom eval --noise pose-jitter:0.02`, …) and in training as
/// noise augmentation (Bishop, "Training with noise is equivalent to Tikhonov regularization",
/// Neural Computation 1995).
public struct PoseTrackingPerturbation: SemanticPerturbation {
    /// The artefacts added to each affected clip.
    public var noise: PoseTrackingNoise
    /// The probability that a clip is affected, in [0, 1].
    public var probability: Double
    /// Frames per clip.
    public var clipFrames: Int

    /// Creates the perturbation.
    /// - Precondition: `0 ≤ probability ≤ 1`, `clipFrames ≥ 1`.
    public init(noise: PoseTrackingNoise, probability: Double = 1, clipFrames: Int) {
        precondition((0...1).contains(probability), "probability must be in [0, 1], got \(probability)")
        precondition(clipFrames >= 1, "clipFrames must be ≥ 1, got \(clipFrames)")
        self.noise = noise
        self.probability = probability
        self.clipFrames = clipFrames
    }

    /// Acts on the encoder input.
    public var stage: PerturbationStage { .input }

    /// Returns perturbed rows (same shape); the input is not modified.
    public func perturb<G: RandomNumberGenerator>(_ x: Tensor<Float>, using rng: inout G) -> Tensor<Float> {
        let width = clipFrames * PoseClipTensor.valuesPerFrame
        precondition(x.rank == 2 && x.shape[1] == width, "Pose perturbation expects [batch, \(width)], got \(x.shape)")
        var out = x
        for i in 0..<x.shape[0] {
            guard probability >= 1 || rng.nextUnitDouble() < probability else { continue }
            let base = i * width
            var frames = (0..<clipFrames).map { f in
                PoseFrame(
                    timeSeconds: Double(f),
                    joints: (0..<PoseJoint.count).map { j in
                        let k = base + f * 51 + j * 3
                        let v = (x.scalars[k], x.scalars[k + 1], x.scalars[k + 2])
                        return v.0.isFinite && v.1.isFinite && v.2.isFinite
                            ? PoseVector(Double(v.0), Double(v.1), Double(v.2)) : nil
                    })
            }
            noise.apply(to: &frames, using: &rng)
            for f in 0..<clipFrames {
                for j in 0..<PoseJoint.count {
                    let k = base + f * 51 + j * 3
                    if let p = frames[f].joints[j] {
                        out.scalars[k] = Float(p.x)
                        out.scalars[k + 1] = Float(p.y)
                        out.scalars[k + 2] = Float(p.z)
                    } else {
                        out.scalars[k] = .nan
                        out.scalars[k + 1] = .nan
                        out.scalars[k + 2] = .nan
                    }
                }
            }
        }
        return out
    }

    /// The pose entries of the semantic-noise registry (`SemanticNoiseCatalog`), all at stage
    /// `input`: `pose-jitter`, `pose-occlusion`, `pose-drop` (values as in ``parse(_:clipFrames:)``).
    public static let kinds: [SemanticNoiseKind] = [
        SemanticNoiseKind(
            name: "pose-jitter", stage: .input, summary: "extra Gaussian tracking jitter of sigma rate metres on every joint"),
        SemanticNoiseKind(
            name: "pose-occlusion", stage: .input, summary: "a fraction rate (< 0.5) of joint-frames occluded, in runs"),
        SemanticNoiseKind(name: "pose-drop", stage: .input, summary: "a fraction rate (< 1) of frames dropped"),
    ]

    /// Parses a pose noise spec: `pose-jitter:σ` (metres), `pose-occlusion:fraction`,
    /// `pose-drop:fraction` (frames). Returns `nil` for other names.
    /// - Throws: ``PoseCodecError`` `invalidNoise` for a bad value.
    public static func parse(_ spec: String, clipFrames: Int) throws(PoseCodecError) -> PoseTrackingPerturbation? {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first, ["pose-jitter", "pose-occlusion", "pose-drop"].contains(name) else { return nil }
        guard parts.count == 2, let value = Double(parts[1]), value.isFinite, value >= 0 else {
            throw PoseCodecError(code: .invalidNoise, message: "'\(spec)': expected \(name):<non-negative number>")
        }
        switch name {
        case "pose-jitter":
            guard value <= 1 else {
                throw PoseCodecError(code: .invalidNoise, message: "'\(spec)': jitter σ must be ≤ 1 m")
            }
            return PoseTrackingPerturbation(
                noise: PoseTrackingNoise(jitterMeters: value...value, occludedFraction: 0), clipFrames: clipFrames)
        case "pose-occlusion":
            guard value < 0.5 else {
                throw PoseCodecError(code: .invalidNoise, message: "'\(spec)': occluded fraction must be < 0.5")
            }
            return PoseTrackingPerturbation(
                noise: PoseTrackingNoise(jitterMeters: 0...0, occludedFraction: value), clipFrames: clipFrames)
        default:
            guard value < 1 else {
                throw PoseCodecError(code: .invalidNoise, message: "'\(spec)': dropped fraction must be < 1")
            }
            return PoseTrackingPerturbation(
                noise: PoseTrackingNoise(jitterMeters: 0...0, occludedFraction: 0, droppedFrameFraction: value),
                clipFrames: clipFrames)
        }
    }
}
