import Foundation

/// Single-lead ECG in CSV: the loader for real recordings and the writer of samples.
///
/// ## Format
///
/// UTF-8 text, one sample per line, either
/// - **one column**: the ECG value in **millivolts** (`0.125`); the sample rate must be given; or
/// - **two columns** `time,value`: time in **seconds** from any origin, then the value in mV.
///   Time stamps must increase by one sample period (tolerance ±25 %); the sample rate is taken
///   from the median interval when not given, and must agree with it (±1 %) when given.
///
/// Blank lines and lines starting with `#` are ignored. The first remaining line may be a header
/// (e.g. `time_s,ecg_mv`): it is skipped when its first field is not a number. Every data line must
/// have the same number of columns. Numbers are plain decimal (`1e-3` allowed).
///
/// ## Bad input
///
/// Errors are ``HealthDataError``s naming the file and line: `emptyFile` (no samples),
/// `wrongColumnCount`, `nonNumericField`, `missingValue` (no sample rate for a one-column file),
/// `valueOutOfRange` (a sample rate outside 1…10000 Hz or disagreeing with the time stamps;
/// a time stamp that does not increase; a gap of more than 1.25 sample periods, with the gap's
/// position and length). A `NaN`/`inf` sample is an error with ``NonFinitePolicy/reject`` (the
/// default); with ``NonFinitePolicy/interpolate`` it is treated as an erasure, replaced by linear
/// interpolation between the nearest finite neighbours and counted in
/// ``LoadedECG/erasedSampleCount``. The file is only read.
public enum ECGCSV {
    /// What to do with non-finite samples (`nan`, `inf`).
    public enum NonFinitePolicy: String, Sendable, CaseIterable {
        /// Throw `nonNumericField` naming the line.
        case reject
        /// Erase: interpolate linearly between finite neighbours and count them.
        case interpolate
    }

    /// A loaded ECG and what the loader did to it.
    public struct LoadedECG: Sendable {
        /// The recording (ECG only, no ground truth).
        public var recording: VitalSignsRecording
        /// Samples that were non-finite and interpolated.
        public var erasedSampleCount: Int
        /// Whether the file had a time column.
        public var hadTimeColumn: Bool
    }

    /// Loads an ECG CSV file (format in the type's documentation).
    /// - Parameters:
    ///   - path: the file.
    ///   - sampleRateHertz: the sample rate (required for one-column files).
    ///   - nonFinite: the NaN/inf policy.
    /// - Throws: ``HealthDataError`` (see the type's documentation), `unreadableFile` if it cannot be read.
    public static func load(
        contentsOfFile path: String, sampleRateHertz: Double?, nonFinite: NonFinitePolicy = .reject
    ) throws -> LoadedECG {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw HealthDataError(code: .unreadableFile, message: "\(path): cannot read the file", file: path, cause: error)
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw HealthDataError(code: .nonNumericField, message: "\(path): not UTF-8 text", file: path)
        }
        return try parse(text, source: path, sampleRateHertz: sampleRateHertz, nonFinite: nonFinite)
    }

    /// Parses ECG CSV text; `source` names it in errors.
    /// - Throws: as ``load(contentsOfFile:sampleRateHertz:nonFinite:)``.
    public static func parse(
        _ text: String, source: String = "<text>", sampleRateHertz: Double?, nonFinite: NonFinitePolicy = .reject
    ) throws -> LoadedECG {
        if let rate = sampleRateHertz, !(rate.isFinite && rate >= 1 && rate <= 10_000) {
            throw HealthDataError(
                code: .valueOutOfRange, message: "\(source): sample rate must be in 1…10000 Hz, got \(rate)", file: source)
        }
        var times: [Double] = []
        var values: [Float] = []
        var lines: [Int] = []
        var columns: Int?
        var sawData = false
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if !sawData && Double(fields[0]) == nil && !isNonFinite(fields[0]) {
                sawData = true  // a header line
                continue
            }
            sawData = true
            guard fields.count == 1 || fields.count == 2 else {
                throw HealthDataError(
                    code: .wrongColumnCount,
                    message: "\(source):\(lineNumber): expected 1 column (value) or 2 (time,value), got \(fields.count)",
                    file: source, line: lineNumber)
            }
            if let expected = columns, expected != fields.count {
                throw HealthDataError(
                    code: .wrongColumnCount,
                    message: "\(source):\(lineNumber): expected \(expected) columns like the first data line, got \(fields.count)",
                    file: source, line: lineNumber)
            }
            columns = fields.count
            if fields.count == 2 {
                guard let t = Double(fields[0]), t.isFinite else {
                    throw HealthDataError(
                        code: .nonNumericField,
                        message: "\(source):\(lineNumber): the time stamp (column 1) must be a finite number of seconds",
                        file: source, line: lineNumber, column: 1)
                }
                times.append(t)
            }
            let field = fields[fields.count - 1]
            let value: Double
            if let v = Double(field) {
                value = v
            } else if isNonFinite(field) {
                value = .nan
            } else {
                throw HealthDataError(
                    code: .nonNumericField,
                    message: "\(source):\(lineNumber): the ECG value (column \(fields.count)) must be a number in mV",
                    file: source, line: lineNumber, column: fields.count)
            }
            if !value.isFinite && nonFinite == .reject {
                throw HealthDataError(
                    code: .nonNumericField,
                    message: "\(source):\(lineNumber): non-finite ECG sample (NaN or infinity); load with the interpolate policy to treat it as an erasure",
                    file: source, line: lineNumber, column: fields.count)
            }
            values.append(Float(value))
            lines.append(lineNumber)
        }
        guard !values.isEmpty else {
            throw HealthDataError(code: .emptyFile, message: "\(source): no ECG samples", file: source)
        }
        let rate: Double
        if columns == 2 {
            rate = try checkTimeStamps(times, lines: lines, source: source, sampleRateHertz: sampleRateHertz)
        } else {
            guard let sampleRateHertz else {
                throw HealthDataError(
                    code: .missingValue,
                    message: "\(source): a one-column ECG file needs its sample rate (e.g. --sample-rate 250)",
                    file: source)
            }
            rate = sampleRateHertz
        }
        let erased = try interpolateErasures(&values, source: source)
        return LoadedECG(
            recording: VitalSignsRecording(sampleRateHertz: rate, ecg: values), erasedSampleCount: erased,
            hadTimeColumn: columns == 2)
    }

    private static func isNonFinite(_ field: String) -> Bool {
        ["nan", "-nan", "inf", "-inf", "+inf", "infinity", "-infinity"].contains(field.lowercased())
    }

    private static func checkTimeStamps(
        _ times: [Double], lines: [Int], source: String, sampleRateHertz: Double?
    ) throws -> Double {
        guard times.count >= 2 else {
            guard let sampleRateHertz else {
                throw HealthDataError(
                    code: .missingValue, message: "\(source): one time stamp cannot give a sample rate; pass it", file: source)
            }
            return sampleRateHertz
        }
        var intervals: [Double] = []
        intervals.reserveCapacity(times.count - 1)
        for i in 1..<times.count {
            let d = times[i] - times[i - 1]
            guard d > 0 else {
                throw HealthDataError(
                    code: .valueOutOfRange,
                    message: "\(source):\(lines[i]): time stamp \(times[i]) s does not increase (previous \(times[i - 1]) s)",
                    file: source, line: lines[i], column: 1)
            }
            intervals.append(d)
        }
        let median = intervals.sorted()[intervals.count / 2]
        let inferred = 1 / median
        let rate: Double
        if let sampleRateHertz {
            guard Swift.abs(inferred - sampleRateHertz) <= 0.01 * sampleRateHertz else {
                throw HealthDataError(
                    code: .valueOutOfRange,
                    message: "\(source): the time stamps give \(String(format: "%.3f", inferred)) Hz but the sample rate given is \(sampleRateHertz) Hz",
                    file: source)
            }
            rate = sampleRateHertz
        } else {
            guard inferred >= 1 && inferred <= 10_000 else {
                throw HealthDataError(
                    code: .valueOutOfRange,
                    message: "\(source): the time stamps give \(inferred) Hz, outside 1…10000 Hz", file: source)
            }
            rate = inferred
        }
        let period = 1 / rate
        for (i, d) in intervals.enumerated() where d > 1.25 * period || d < 0.75 * period {
            let missing = Int((d / period).rounded()) - 1
            throw HealthDataError(
                code: .valueOutOfRange,
                message: d > period
                    ? "\(source):\(lines[i + 1]): gap in the time stamps: \(String(format: "%.6g", d)) s after \(times[i]) s (≈ \(missing) missing samples at \(rate) Hz); split the recording or fill the gap with nan and load with the interpolate policy"
                    : "\(source):\(lines[i + 1]): time stamp interval \(String(format: "%.6g", d)) s is shorter than the sample period \(String(format: "%.6g", period)) s",
                file: source, line: lines[i + 1], column: 1)
        }
        return rate
    }

    private static func interpolateErasures(_ values: inout [Float], source: String) throws -> Int {
        let finite = values.indices.filter { values[$0].isFinite }
        let erased = values.count - finite.count
        guard erased > 0 else { return 0 }
        guard let first = finite.first, let last = finite.last else {
            throw HealthDataError(code: .nonNumericField, message: "\(source): every ECG sample is non-finite", file: source)
        }
        for i in 0..<first { values[i] = values[first] }
        for i in (last + 1)..<values.count { values[i] = values[last] }
        var previous = first
        for i in finite.dropFirst() {
            if i > previous + 1 {
                let a = values[previous]
                let b = values[i]
                for j in (previous + 1)..<i {
                    values[j] = a + (b - a) * Float(j - previous) / Float(i - previous)
                }
            }
            previous = i
        }
        return erased
    }

    /// CSV text of an ECG: a `# ` comment line per entry of `comments`, a header, then one line
    /// per sample (`ecg_mv`, or `time_s,ecg_mv` with `includesTime`), 5 decimals.
    public static func text(ecg: [Float], sampleRateHertz: Double, includesTime: Bool, comments: [String] = []) -> String {
        var out = comments.map { "# \($0)\n" }.joined()
        out += includesTime ? "time_s,ecg_mv\n" : "ecg_mv\n"
        out.reserveCapacity(out.count + ecg.count * 20)
        for (i, v) in ecg.enumerated() {
            if includesTime { out += String(format: "%.6f,", Double(i) / sampleRateHertz) }
            out += String(format: "%.5f\n", Double(v))
        }
        return out
    }
}
