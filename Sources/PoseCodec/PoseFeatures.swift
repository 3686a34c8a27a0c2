// Pose clips as tensors, and their canonical, body-size-invariant features.

import HealthData
import RealModule
import TensorCore

/// A pose clip as one encoder input row: `clipFrames × 17 × 3` Float values (frame-major, then
/// ``HealthData/PoseJoint`` order, then x, y, z; metres), with NaN for occluded joints.
public enum PoseClipTensor {
    /// Values per frame (17 joints × 3).
    public static let valuesPerFrame = PoseJoint.count * 3

    /// The rows `[clips, frames·51]` of clips that all have `frames` frames.
    /// - Precondition: every recording has exactly `frames` frames.
    public static func rows(_ clips: [PoseRecording], frames: Int) -> Tensor<Float> {
        var scalars: [Float] = []
        scalars.reserveCapacity(clips.count * frames * valuesPerFrame)
        for clip in clips {
            precondition(clip.frames.count == frames, "A clip has \(clip.frames.count) frames, expected \(frames)")
            for frame in clip.frames {
                for joint in frame.joints {
                    if let p = joint {
                        scalars += [Float(p.x), Float(p.y), Float(p.z)]
                    } else {
                        scalars += [.nan, .nan, .nan]
                    }
                }
            }
        }
        return Tensor(shape: [clips.count, frames * valuesPerFrame], scalars: scalars)
    }

    /// Cuts a recording into clips of `frames` frames every `hop` frames (the last partial window is
    /// dropped).
    /// - Precondition: `frames ≥ 2`, `hop ≥ 1`.
    public static func windows(of recording: PoseRecording, frames: Int, hop: Int) -> [PoseRecording] {
        precondition(frames >= 2 && hop >= 1, "Windows need ≥ 2 frames and a hop ≥ 1, got \(frames), \(hop)")
        var clips: [PoseRecording] = []
        var start = 0
        while start + frames <= recording.frames.count {
            clips.append(
                PoseRecording(
                    frameRate: recording.frameRate, frames: Array(recording.frames[start..<(start + frames)]),
                    truth: recording.truth))
            start += hop
        }
        return clips
    }
}

/// The deterministic front end of the pose encoder: raw clip rows → canonical features.
///
/// For each clip (`[frames·51]`, NaN = occluded):
///
/// 1. **Gap filling**: an occluded joint is linearly interpolated in time between its nearest
///    visible frames (held constant before the first and after the last); a joint never visible in
///    the clip is placed at ``template`` relative to the pelvis.
/// 2. **Floor and origin**: `y` is measured from the lowest ankle of the clip (the floor); `x, z`
///    from the pelvis of the first frame.
/// 3. **Heading**: the clip is rotated about `y` so that the hip axis (right → left hip, first 5
///    frames; the shoulders if the hips are lost) points along `+x`, i.e. the subject faces `+z`.
/// 4. **Scale** (if ``normalizesScale``): coordinates are divided by the skeleton's size, the sum
///    of the 16 bones' median visible lengths over the sum of the Drillis–Contini bone ratios —
///    an estimate of the height — so features are body-size invariant (bone lengths are
///    rigid, so this holds in any posture). Without it (the raw-pose attacker's view) they stay in metres.
/// 5. **Sampling and standardization**: every ``frameStride``-th frame is kept, and each value is
///    standardized with ``mean`` and ``standardDeviation`` (fitted on training clips).
public struct PoseFeatureExtractor: Sendable {
    /// Frames per clip.
    public var clipFrames: Int
    /// Keep every `frameStride`-th frame.
    public var frameStride: Int
    /// Divide by the estimated body size.
    public var normalizesScale: Bool
    /// Per-feature mean, `[featureCount]`.
    public var mean: [Float]
    /// Per-feature standard deviation (≥ 10⁻³), `[featureCount]`.
    public var standardDeviation: [Float]
    /// Canonical joint positions relative to the pelvis, `[17·3]`, for joints never visible in a clip.
    public var template: [Float]

    /// Frames kept per clip.
    public var keptFrames: Int { (clipFrames + frameStride - 1) / frameStride }
    /// Features per clip (`keptFrames · 51`).
    public var featureCount: Int { keptFrames * PoseClipTensor.valuesPerFrame }
    /// Values per input row (`clipFrames · 51`).
    public var inputWidth: Int { clipFrames * PoseClipTensor.valuesPerFrame }

    /// Creates an extractor with the given statistics.
    /// - Precondition: sizes match (`featureCount` means and deviations, 51 template values).
    public init(
        clipFrames: Int, frameStride: Int, normalizesScale: Bool, mean: [Float], standardDeviation: [Float],
        template: [Float]
    ) {
        precondition(
            clipFrames >= 2 && frameStride >= 1, "Need ≥ 2 frames and a stride ≥ 1, got \(clipFrames), \(frameStride)")
        self.clipFrames = clipFrames
        self.frameStride = frameStride
        self.normalizesScale = normalizesScale
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.template = template
        precondition(
            mean.count == featureCount && standardDeviation.count == featureCount && template.count == 51,
            "Extractor statistics: \(mean.count) means, \(standardDeviation.count) deviations for \(featureCount) features, \(template.count) template values (expected 51)"
        )
    }

    /// Fits the template and the standardization on training rows.
    /// - Parameters:
    ///   - rows: `[clips, clipFrames·51]` training clips.
    ///   - clipFrames: frames per clip.
    ///   - frameStride: frame subsampling.
    ///   - normalizesScale: divide by the estimated body size.
    public static func fit(rows: Tensor<Float>, clipFrames: Int, frameStride: Int, normalizesScale: Bool)
        -> PoseFeatureExtractor
    {
        var provisional = PoseFeatureExtractor(
            clipFrames: clipFrames, frameStride: frameStride, normalizesScale: normalizesScale,
            mean: [Float](repeating: 0, count: ((clipFrames + frameStride - 1) / frameStride) * 51),
            standardDeviation: [Float](repeating: 1, count: ((clipFrames + frameStride - 1) / frameStride) * 51),
            template: standardTemplate)
        let n = rows.shape[0]
        precondition(
            n >= 1 && rows.shape[1] == provisional.inputWidth,
            "Fit rows must be [clips ≥ 1, \(provisional.inputWidth)], got \(rows.shape)")
        // The template: mean pelvis-relative canonical pose over all visible frames.
        var sums = [Double](repeating: 0, count: 51)
        var counts = [Double](repeating: 0, count: 17)
        for i in 0..<n {
            let c = provisional.canonical(
                Array(rows.scalars[(i * provisional.inputWidth)..<((i + 1) * provisional.inputWidth)]))
            for f in 0..<clipFrames {
                let base = f * 51
                for j in 0..<17 {
                    for a in 0..<3 { sums[j * 3 + a] += Double(c[base + j * 3 + a] - c[base + a]) }
                    counts[j] += 1
                }
            }
        }
        provisional.template = (0..<51).map { Float(sums[$0] / Swift.max(1, counts[$0 / 3])) }
        let features = provisional.rawFeatures(rows)
        let width = provisional.featureCount
        var mean = [Double](repeating: 0, count: width)
        var square = [Double](repeating: 0, count: width)
        for i in 0..<n {
            for k in 0..<width {
                let v = Double(features[i * width + k])
                mean[k] += v
                square[k] += v * v
            }
        }
        provisional.mean = mean.map { Float($0 / Double(n)) }
        provisional.standardDeviation = (0..<width).map { k in
            let m = mean[k] / Double(n)
            return Float(Swift.max(1e-3, (Swift.max(0, square[k] / Double(n) - m * m)).squareRoot()))
        }
        return provisional
    }

    /// A standing Drillis–Contini template of unit height (for fitting; replaced by the fitted mean).
    static let standardTemplate: [Float] = {
        let body = PoseBody.standard(heightMeters: 1)
        let joints = PoseKinematics.positions(body: body, angles: PoseAngles())
        return joints.flatMap { [Float($0.x), Float($0.y), Float($0.z)] }
    }()

    /// The 16 bone lengths of a unit-height Drillis–Contini body, in ``PoseJoint/bones`` order.
    static let unitBoneLengths: [Double] = {
        let joints = PoseKinematics.positions(body: .standard(heightMeters: 1), angles: PoseAngles())
        return PoseJoint.bones.map { bone in
            let d = joints[bone.child.rawValue] - joints[bone.parent.rawValue]
            return (d * d).sum().squareRoot()
        }
    }()

    /// Standardized features `[clips, featureCount]` of raw rows `[clips, clipFrames·51]`.
    /// - Precondition: the row width is ``inputWidth``.
    public func callAsFunction(_ rows: Tensor<Float>) -> Tensor<Float> {
        let raw = rawFeatures(rows)
        let width = featureCount
        var out = raw
        for i in 0..<(rows.shape[0]) {
            for k in 0..<width {
                out[i * width + k] = (raw[i * width + k] - mean[k]) / standardDeviation[k]
            }
        }
        return Tensor(shape: [rows.shape[0], width], scalars: out)
    }

    /// The estimated body size (metres, ≈ height) of one raw clip row, from its median bone lengths.
    public func bodySize(_ row: [Float]) -> Double {
        precondition(row.count == inputWidth, "A clip row has \(inputWidth) values, got \(row.count)")
        return estimateSize(row) ?? 1.7
    }

    private func rawFeatures(_ rows: Tensor<Float>) -> [Float] {
        precondition(
            rows.rank == 2 && rows.shape[1] == inputWidth,
            "Pose clips must be [clips, \(inputWidth)], got \(rows.shape)")
        let n = rows.shape[0]
        var out: [Float] = []
        out.reserveCapacity(n * featureCount)
        for i in 0..<n {
            let c = canonical(Array(rows.scalars[(i * inputWidth)..<((i + 1) * inputWidth)]))
            var f = 0
            while f < clipFrames {
                out += c[(f * 51)..<((f + 1) * 51)]
                f += frameStride
            }
        }
        return out
    }

    /// Steps 1–4 for one row: `[clipFrames·51]` canonical coordinates.
    func canonical(_ row: [Float]) -> [Float] {
        let frames = clipFrames
        var p = row
        var never: [Int] = []
        // 1. Gap filling per joint.
        for j in 0..<17 {
            let visible = (0..<frames).filter {
                p[$0 * 51 + j * 3].isFinite && p[$0 * 51 + j * 3 + 1].isFinite && p[$0 * 51 + j * 3 + 2].isFinite
            }
            if visible.isEmpty {
                never.append(j)
                continue
            }
            if visible.count == frames { continue }
            var next = 0
            for f in 0..<frames {
                while next < visible.count && visible[next] < f { next += 1 }
                if next < visible.count && visible[next] == f { continue }
                let after = next < visible.count ? visible[next] : nil
                let before = next > 0 ? visible[next - 1] : nil
                for a in 0..<3 {
                    let value: Float
                    switch (before, after) {
                    case (let b?, let e?):
                        let w = Float(f - b) / Float(e - b)
                        value = p[b * 51 + j * 3 + a] * (1 - w) + p[e * 51 + j * 3 + a] * w
                    case (let b?, nil): value = p[b * 51 + j * 3 + a]
                    case (nil, let e?): value = p[e * 51 + j * 3 + a]
                    default: value = 0
                    }
                    p[f * 51 + j * 3 + a] = value
                }
            }
        }
        let size = Float(normalizesScale ? (estimateSize(row) ?? 1.7) : 1)
        let neverSet = Set(never)
        // Joints never seen: template around the pelvis (or the centroid of the seen joints).
        if !never.isEmpty {
            let seen = (0..<17).filter { !neverSet.contains($0) }
            for f in 0..<frames {
                var anchor = [Float](repeating: 0, count: 3)
                if !neverSet.contains(0) {
                    anchor = [p[f * 51], p[f * 51 + 1], p[f * 51 + 2]]
                } else if !seen.isEmpty {
                    for a in 0..<3 {
                        anchor[a] =
                            seen.map { p[f * 51 + $0 * 3 + a] - template[$0 * 3 + a] * size }.reduce(0, +)
                            / Float(seen.count)
                    }
                }
                for j in never {
                    for a in 0..<3 { p[f * 51 + j * 3 + a] = anchor[a] + template[j * 3 + a] * size }
                }
            }
        }
        // 2. Floor and origin.
        var floor = Float.infinity
        for f in 0..<frames {
            for j in [PoseJoint.rightAnkle.rawValue, PoseJoint.leftAnkle.rawValue] where !neverSet.contains(j) {
                floor = Swift.min(floor, p[f * 51 + j * 3 + 1])
            }
        }
        if !floor.isFinite {
            floor = (0..<(frames * 17)).map { p[$0 * 3 + 1] }.min() ?? 0
        }
        let originX = p[0], originZ = p[2]
        // 3. Heading from the hips (or shoulders) over the first frames.
        func axis(_ left: PoseJoint, _ right: PoseJoint) -> (Float, Float)? {
            guard !neverSet.contains(left.rawValue), !neverSet.contains(right.rawValue) else { return nil }
            var dx: Float = 0, dz: Float = 0
            for f in 0..<Swift.min(5, frames) {
                dx += p[f * 51 + left.rawValue * 3] - p[f * 51 + right.rawValue * 3]
                dz += p[f * 51 + left.rawValue * 3 + 2] - p[f * 51 + right.rawValue * 3 + 2]
            }
            return dx * dx + dz * dz > 1e-12 ? (dx, dz) : nil
        }
        let (hx, hz) = axis(.leftHip, .rightHip) ?? axis(.leftShoulder, .rightShoulder) ?? (1, 0)
        let angle = Float.atan2(y: hz, x: hx)
        let c = Float.cos(angle), s = Float.sin(angle)
        // 4. Rotate by −angle about y (x' = c·x + s·z, z' = −s·x + c·z) and scale.
        var out = [Float](repeating: 0, count: frames * 51)
        for k in 0..<(frames * 17) {
            let x = p[k * 3] - originX, y = p[k * 3 + 1] - floor, z = p[k * 3 + 2] - originZ
            out[k * 3] = (c * x + s * z) / size
            out[k * 3 + 1] = y / size
            out[k * 3 + 2] = (-s * x + c * z) / size
        }
        return out
    }

    /// Σ median visible bone lengths / Σ unit bone lengths (scaled up for bones never seen), or
    /// `nil` when no bone is visible.
    private func estimateSize(_ row: [Float]) -> Double? {
        var total = 0.0
        var unitTotal = 0.0
        for (index, bone) in PoseJoint.bones.enumerated() {
            var lengths: [Float] = []
            for f in 0..<clipFrames {
                let a = f * 51 + bone.parent.rawValue * 3
                let b = f * 51 + bone.child.rawValue * 3
                let dx = row[a] - row[b], dy = row[a + 1] - row[b + 1], dz = row[a + 2] - row[b + 2]
                let length = (dx * dx + dy * dy + dz * dz).squareRoot()
                if length.isFinite { lengths.append(length) }
            }
            guard !lengths.isEmpty else { continue }
            lengths.sort()
            total += Double(lengths[lengths.count / 2])
            unitTotal += Self.unitBoneLengths[index]
        }
        guard unitTotal > 0, total > 0 else { return nil }
        return total / unitTotal
    }
}
