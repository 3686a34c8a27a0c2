// Reading and writing pose recordings as JSONL (one frame per line).

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The JSONL pose format: one JSON object per line, one line per frame, in time order
/// (see <doc:PoseJSONLFormat>):
///
/// ```json
/// {"t":0.0333,"joints":[[0.012,0.951,1.503],null,[0.1,0.52,1.49], … 17 entries …],"activity":"walking","fall":false,"subject":3}
/// ```
///
/// - `t`: seconds (any origin), strictly increasing;
/// - `joints`: exactly 17 entries in ``PoseJoint`` order, each `[x, y, z]` in metres (y up, floor at
///   0) or `null` for an occluded joint;
/// - optional `activity` (a ``PoseActivity`` name), `fall` (bool), `subject` (integer),
///   `height_m` and `wingspan_m` (numbers): labels, read into ``PoseRecording/truth`` when every
///   line of the file that has them agrees (a recording with several activities keeps its first).
///
/// Blank lines are skipped. Bad input is rejected with a ``HealthDataError`` naming the file and the
/// 1-based line: `malformedLine` (not one complete JSON object, e.g. a truncated last line),
/// `missingJoint` (no `t`, not 17 joints, a joint that is not 3 numbers or `null`),
/// `nonFiniteValue` (NaN or ±Infinity, which JSON has no spelling for but some writers emit), and
/// `timeGap` (a time stamp that does not increase, or a jump of more than `maxGapFrames` frame
/// periods — unless ``GapPolicy/fillWithOccludedFrames`` is chosen, which inserts all-`null`
/// frames and counts them).
public enum PoseJSONL {
    /// What to do when consecutive time stamps are further apart than allowed.
    public enum GapPolicy: Sendable, Hashable {
        /// Throw `timeGap` (the default).
        case reject
        /// Insert frames with every joint `null` at the nominal frame times (counted in
        /// ``LoadReport/insertedFrames``).
        case fillWithOccludedFrames
    }

    /// A loaded recording and what the loader did to it.
    public struct LoadReport: Sendable {
        /// The recording (`truth` set when the lines carry labels).
        public var recording: PoseRecording
        /// All-`null` frames inserted for gaps (``GapPolicy/fillWithOccludedFrames``).
        public var insertedFrames: Int
        /// Occluded (`null`) joints in the file.
        public var occludedJoints: Int
        /// Per-frame activity labels, where present (`nil` for unlabelled frames and inserted ones).
        public var activities: [PoseActivity?]
    }

    private struct Line: Decodable {
        var t: Double?
        var joints: [[Double]?]?
        var activity: String?
        var fall: Bool?
        var subject: Int?
        var heightMeters: Double?
        var wingspanMeters: Double?

        enum CodingKeys: String, CodingKey {
            case t, joints, activity, fall, subject
            case heightMeters = "height_m"
            case wingspanMeters = "wingspan_m"
        }
    }

    /// Loads a JSONL file.
    /// - Parameters:
    ///   - path: the file.
    ///   - frameRate: the nominal frame rate; `nil` infers it from the median time step.
    ///   - maxGapFrames: the largest allowed step between time stamps, in frame periods (default 1.5).
    ///   - gapPolicy: reject gaps (default) or fill them.
    /// - Throws: ``HealthDataError`` `unreadableFile`, `emptyFile` or the codes listed in the type's
    ///   documentation, naming the file and line.
    public static func load(
        contentsOfFile path: String, frameRate: Double? = nil, maxGapFrames: Double = 1.5,
        gapPolicy: GapPolicy = .reject
    ) throws(HealthDataError) -> LoadReport {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw HealthDataError(
                code: .unreadableFile, message: "\(path): cannot read the file", file: path, cause: error)
        }
        return try parse(
            Array(data), source: path, frameRate: frameRate, maxGapFrames: maxGapFrames, gapPolicy: gapPolicy)
    }

    /// Parses JSONL bytes (see ``load(contentsOfFile:frameRate:maxGapFrames:gapPolicy:)``); `source`
    /// names the input in errors.
    public static func parse(
        _ bytes: [UInt8], source: String, frameRate: Double? = nil, maxGapFrames: Double = 1.5,
        gapPolicy: GapPolicy = .reject
    ) throws(HealthDataError) -> LoadReport {
        precondition(maxGapFrames >= 1, "maxGapFrames must be ≥ 1, got \(maxGapFrames)")
        if let frameRate {
            precondition(frameRate > 0 && frameRate.isFinite, "frameRate must be positive, got \(frameRate)")
        }
        func fail(_ code: HealthDataError.Code, _ line: Int, _ what: String) -> HealthDataError {
            HealthDataError(code: code, message: "\(source):\(line): \(what)", file: source, line: line)
        }
        let decoder = JSONDecoder()
        var frames: [PoseFrame] = []
        var lineNumbers: [Int] = []
        var activities: [PoseActivity?] = []
        var truth: PoseGroundTruth?
        var occluded = 0
        var lineNumber = 0
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var lineBytes = Array(rawLine)
            if lineBytes.last == UInt8(ascii: "\r") { lineBytes.removeLast() }
            if lineBytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let line: Line
            do {
                line = try decoder.decode(Line.self, from: Data(lineBytes))
            } catch {
                let text = String(decoding: lineBytes, as: UTF8.self)
                if text.contains("NaN") || text.contains("Infinity") || text.contains("inf") {
                    throw fail(
                        .nonFiniteValue, lineNumber,
                        "a value is NaN or infinite; expected finite numbers in metres and seconds")
                }
                throw fail(
                    .malformedLine, lineNumber,
                    "not one complete JSON object (truncated or invalid line of \(lineBytes.count) bytes); expected {\"t\":…,\"joints\":[…17 entries…]}"
                )
            }
            guard let t = line.t else { throw fail(.missingJoint, lineNumber, "no time stamp 't' (seconds)") }
            guard t.isFinite else { throw fail(.nonFiniteValue, lineNumber, "time stamp 't' is not finite") }
            guard let joints = line.joints else { throw fail(.missingJoint, lineNumber, "no 'joints' array") }
            guard joints.count == PoseJoint.count else {
                throw fail(
                    .missingJoint, lineNumber,
                    "'joints' has \(joints.count) entries, expected \(PoseJoint.count) (\(PoseJoint.allCases.map(\.name).joined(separator: ", ")))"
                )
            }
            var positions: [PoseVector?] = []
            positions.reserveCapacity(PoseJoint.count)
            for (index, joint) in joints.enumerated() {
                guard let joint else {
                    positions.append(nil)
                    occluded += 1
                    continue
                }
                let name = PoseJoint(rawValue: index)!.name  // index < 17
                guard joint.count == 3 else {
                    throw fail(
                        .missingJoint, lineNumber,
                        "joint \(index) (\(name)) has \(joint.count) coordinates, expected [x, y, z] or null")
                }
                guard joint.allSatisfy(\.isFinite) else {
                    throw fail(.nonFiniteValue, lineNumber, "joint \(index) (\(name)) has a non-finite coordinate")
                }
                positions.append(PoseVector(joint[0], joint[1], joint[2]))
            }
            if let previous = frames.last, t <= previous.timeSeconds {
                throw fail(
                    .timeGap, lineNumber, "time stamp does not increase (previous frame on line \(lineNumbers.last!))")
            }
            frames.append(PoseFrame(timeSeconds: t, joints: positions))
            lineNumbers.append(lineNumber)
            let activity = line.activity.flatMap(PoseActivity.init(name:))
            if line.activity != nil && activity == nil {
                throw fail(
                    .invalidClass, lineNumber,
                    "unknown activity; expected one of \(PoseActivity.names.joined(separator: ", "))")
            }
            activities.append(activity)
            if truth == nil, let activity, let h = line.heightMeters, let w = line.wingspanMeters {
                guard h.isFinite, w.isFinite, h > 0, w > 0 else {
                    throw fail(.nonFiniteValue, lineNumber, "height_m and wingspan_m must be positive and finite")
                }
                truth = PoseGroundTruth(
                    activity: activity, fall: line.fall ?? (activity == .fall), heightMeters: h, wingspanMeters: w,
                    subject: line.subject ?? 0)
            }
        }
        guard !frames.isEmpty else {
            throw HealthDataError(code: .emptyFile, message: "\(source): no pose frames", file: source)
        }
        let rate: Double
        if let frameRate {
            rate = frameRate
        } else if frames.count >= 2 {
            let steps = zip(frames.dropFirst(), frames).map { $0.timeSeconds - $1.timeSeconds }.sorted()
            rate = 1 / steps[steps.count / 2]
        } else {
            rate = PoseGenerator.defaultFrameRate
        }
        var filled: [PoseFrame] = []
        var filledActivities: [PoseActivity?] = []
        var inserted = 0
        let period = 1 / rate
        for (index, frame) in frames.enumerated() {
            if let previous = filled.last {
                let step = frame.timeSeconds - previous.timeSeconds
                if step > maxGapFrames * period {
                    guard gapPolicy == .fillWithOccludedFrames else {
                        throw fail(
                            .timeGap, lineNumbers[index],
                            "time stamp jumps by \(step) s, more than \(maxGapFrames) frame periods at \(rate) fps")
                    }
                    let missing = Int((step / period).rounded()) - 1
                    for m in 0..<Swift.max(0, missing) {
                        filled.append(
                            PoseFrame(
                                timeSeconds: previous.timeSeconds + Double(m + 1) * period,
                                joints: [PoseVector?](repeating: nil, count: PoseJoint.count)))
                        filledActivities.append(nil)
                        inserted += 1
                    }
                }
            }
            filled.append(frame)
            filledActivities.append(activities[index])
        }
        return LoadReport(
            recording: PoseRecording(frameRate: rate, frames: filled, truth: truth), insertedFrames: inserted,
            occludedJoints: occluded, activities: filledActivities)
    }

    /// The JSONL text of a recording: one line per frame, coordinates with 4 decimals (0.1 mm),
    /// time with 6; the ground truth, if any, on every line (`activity`, `fall`, `subject`,
    /// `height_m`, `wingspan_m`).
    public static func text(of recording: PoseRecording) -> String {
        func number(_ value: Double, _ decimals: Int) -> String {
            let scale = decimals == 4 ? 1e4 : 1e6
            let rounded = (value * scale).rounded() / scale
            return rounded == 0 ? "0" : String(rounded)
        }
        var out = ""
        for frame in recording.frames {
            var line = "{\"t\":\(number(frame.timeSeconds, 6)),\"joints\":["
            line += frame.joints.map { joint in
                joint.map { "[\(number($0.x, 4)),\(number($0.y, 4)),\(number($0.z, 4))]" } ?? "null"
            }.joined(separator: ",")
            line += "]"
            if let truth = recording.truth {
                line += ",\"activity\":\"\(truth.activity.name)\",\"fall\":\(truth.fall),\"subject\":\(truth.subject)"
                line +=
                    ",\"height_m\":\(number(truth.heightMeters, 4)),\"wingspan_m\":\(number(truth.wingspanMeters, 4))"
            }
            out += line + "}\n"
        }
        return out
    }
}
