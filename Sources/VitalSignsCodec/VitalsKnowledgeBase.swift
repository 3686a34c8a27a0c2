import HealthData
import KnowledgeBase

/// Inspection and verification of `vitals` knowledge bases (rhythm or waveform codec), for
/// `semcom kb inspect` and `semcom kb verify`.
public enum VitalsKnowledgeBase {
    /// One line naming the codec the knowledge base holds and its shapes, or why it cannot be loaded.
    public static func codecSummary(_ kb: KnowledgeBase) -> String {
        switch kb.manifest.task {
        case RhythmCodec.task:
            do {
                let codec = try RhythmCodec(knowledgeBase: kb)
                return "vitals-rhythm codec: 10 s ECG window → \(RhythmFeatureExtractor.featureCount) rhythm features → "
                    + "\(codec.channelUsesPerWindow) complex channel uses → \(CardiacRhythm.allCases.count) rhythms + heart rate"
            } catch { return "vitals-rhythm codec: cannot be loaded: \(error)" }
        case WaveformCodec.task:
            do {
                let codec = try WaveformCodec(knowledgeBase: kb)
                return "vitals-waveform codec: \(codec.windowLength) samples at 250 Hz → \(codec.channelUsesPerWindow) "
                    + "complex channel uses per window (\(codec.channelUsesPerSample) per sample)"
            } catch { return "vitals-waveform codec: cannot be loaded: \(error)" }
        default:
            return "vitals codec: unknown task '\(kb.manifest.task)' (expected \(RhythmCodec.task) or \(WaveformCodec.task))"
        }
    }

    /// Verifies a `.semkb` file completely: every byte of the format (`KnowledgeBase.verify`), then
    /// that the rhythm or waveform codec its task names can be rebuilt from it. Returns the lines
    /// `semcom kb verify` prints.
    /// - Throws: the `KnowledgeBaseError` naming the damaged section or offset, or a
    ///   ``VitalSignsCodecError`` naming the section the codec cannot use.
    public static func verify(contentsOfFile path: String) throws -> String {
        let report = KnowledgeBase.verify(contentsOfFile: path)
        if let error = report.error { throw error }
        let kb = try KnowledgeBase(contentsOfFile: path)
        let fingerprint: Fingerprint?
        switch kb.manifest.task {
        case WaveformCodec.task: fingerprint = try WaveformCodec(knowledgeBase: kb).knowledgeBaseFingerprint
        default: fingerprint = try RhythmCodec(knowledgeBase: kb).knowledgeBaseFingerprint
        }
        return [
            "\(path): OK",
            "format version \(report.formatVersion.map(String.init) ?? "?"), \(report.fileLength) bytes, \(report.checkedSectionCount) sections checked",
            "fingerprint \(kb.fingerprint.hexString) (codec loaded from \(fingerprint?.hexString ?? "-"))",
            codecSummary(kb),
        ].joined(separator: "\n")
    }
}
