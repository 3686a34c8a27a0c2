// A clinical note with its labels: triage class and concept set; the documented triage rules.

/// The triage class of a note.
public enum TriageClass: String, Sendable, Hashable, CaseIterable, Codable {
    /// Needs immediate care (threat to life or limb).
    case emergent
    /// Needs care within hours.
    case urgent
    /// Can wait for a routine appointment.
    case routine

    /// The label index (0 emergent, 1 urgent, 2 routine).
    public var index: Int { Self.allCases.firstIndex(of: self)! }
}

/// One concept mentioned in a note: present (affirmed) or explicitly negated ("denies chest pain").
public struct ConceptMention: Sendable, Hashable, Codable {
    /// The concept identifier (``ClinicalConcept/id``).
    public var concept: String
    /// Whether the note negates it.
    public var negated: Bool

    /// Creates a mention.
    public init(concept: String, negated: Bool) {
        self.concept = concept
        self.negated = negated
    }
}

/// The clinical facts a note states, from which its labels follow by ``TriageRules``.
public struct ClinicalFacts: Sendable, Hashable, Codable {
    /// Affirmed and negated concepts (each concept at most once).
    public var mentions: [ConceptMention]
    /// Measured vital signs (systolic BP for `sbp`; °C for temperature).
    public var vitals: [VitalSign: Double]
    /// The severity word attached to the first affirmed pain concept, if any (`mild`, `moderate`, `severe`).
    public var painSeverity: String?

    /// Creates facts.
    public init(mentions: [ConceptMention], vitals: [VitalSign: Double], painSeverity: String? = nil) {
        self.mentions = mentions
        self.vitals = vitals
        self.painSeverity = painSeverity
    }

    /// Whether `concept` is affirmed.
    public func affirms(_ concept: String) -> Bool { mentions.contains { $0.concept == concept && !$0.negated } }
}

/// The documented triage rules that label generated notes. The first matching tier wins.
///
/// **Emergent** if any of:
/// - E1 SpO2 < 90 %;
/// - E2 systolic BP < 90 mmHg;
/// - E3 heart rate ≥ 130 bpm;
/// - E4 respiratory rate ≥ 30 /min;
/// - E5 chest pain with diaphoresis, syncope, SpO2 < 94 % or heart rate ≥ 110 bpm;
/// - E6 a stroke sign: facial droop or slurred speech;
/// - E7 confusion (altered mental status).
///
/// **Urgent** (not emergent) if any of:
/// - U1 temperature ≥ 38.5 °C;
/// - U2 SpO2 90–93 %;
/// - U3 heart rate 110–129 bpm;
/// - U4 systolic BP 90–99 mmHg;
/// - U5 chest pain, dyspnea or syncope (without an emergent modifier);
/// - U6 severe pain (severity `severe` on an affirmed pain concept).
///
/// **Routine** otherwise. Negated concepts never count. The thresholds follow common
/// emergency-triage practice (cf. the Emergency Severity Index v4 danger-zone vitals: HR > 100,
/// RR > 20, SpO2 < 92 %), simplified into fixed cut-offs so that labels are reproducible.
public enum TriageRules {
    /// The pain concepts that severity applies to.
    public static let painConcepts: Set<String> = ["chest_pain", "abdominal_pain", "headache", "back_pain"]

    /// The triage class of a set of facts (see the type's documentation).
    public static func triage(_ facts: ClinicalFacts) -> TriageClass {
        let spo2 = facts.vitals[.spo2]
        let hr = facts.vitals[.heartRate]
        let sbp = facts.vitals[.systolicBP]
        let rr = facts.vitals[.respiratoryRate]
        let temp = facts.vitals[.temperature]
        let chestPain = facts.affirms("chest_pain")
        if let spo2, spo2 < 90 { return .emergent }
        if let sbp, sbp < 90 { return .emergent }
        if let hr, hr >= 130 { return .emergent }
        if let rr, rr >= 30 { return .emergent }
        if chestPain
            && (facts.affirms("diaphoresis") || facts.affirms("syncope") || (spo2.map { $0 < 94 } ?? false)
                || (hr.map { $0 >= 110 } ?? false))
        {
            return .emergent
        }
        if facts.affirms("facial_droop") || facts.affirms("slurred_speech") || facts.affirms("confusion") {
            return .emergent
        }
        if let temp, temp >= 38.5 { return .urgent }
        if let spo2, spo2 < 94 { return .urgent }
        if let hr, hr >= 110 { return .urgent }
        if let sbp, sbp < 100 { return .urgent }
        if chestPain || facts.affirms("dyspnea") || facts.affirms("syncope") { return .urgent }
        if facts.painSeverity == "severe", facts.mentions.contains(where: { !$0.negated && painConcepts.contains($0.concept) }) {
            return .urgent
        }
        return .routine
    }
}

/// A clinical note and its labels.
public struct ClinicalNote: Sendable, Hashable, Codable {
    /// A stable identifier (e.g. `"note-00017"`).
    public var id: String
    /// The note's text.
    public var text: String
    /// The triage class.
    public var triage: TriageClass
    /// The concepts the note mentions, affirmed or negated, in label order.
    public var concepts: [ConceptMention]
    /// The vital signs stated in the note.
    public var vitals: [String: Double]
    /// The sentence templates used (e.g. `["presentation.2", "vitals.0"]`), for held-out-template splits.
    public var templates: [String]
    /// `train` or `test`: whether the note was generated from training templates only, or with at
    /// least one held-out template.
    public var split: String

    /// Creates a note.
    public init(
        id: String, text: String, triage: TriageClass, concepts: [ConceptMention], vitals: [String: Double] = [:],
        templates: [String] = [], split: String = "train"
    ) {
        self.id = id
        self.text = text
        self.triage = triage
        self.concepts = concepts
        self.vitals = vitals
        self.templates = templates
        self.split = split
    }

    enum CodingKeys: String, CodingKey { case id, text, triage, concepts, vitals, templates, split }

    /// Decodes a note; `vitals`, `templates` and `split` are optional (defaults: none, none, `train`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id), text: try c.decode(String.self, forKey: .text),
            triage: try c.decode(TriageClass.self, forKey: .triage),
            concepts: try c.decode([ConceptMention].self, forKey: .concepts),
            vitals: try c.decodeIfPresent([String: Double].self, forKey: .vitals) ?? [:],
            templates: try c.decodeIfPresent([String].self, forKey: .templates) ?? [],
            split: try c.decodeIfPresent(String.self, forKey: .split) ?? "train")
    }
}
