// A seeded generator of varied synthetic clinical notes labelled by the documented triage rules.

import TensorCore

/// Generates synthetic triage notes: varied sentence structures (presentation, negations, exam
/// findings, history, vital signs; sentence order shuffled), negations ("denies chest pain"),
/// numbers with units ("SpO2 87 %", "HR 128 bpm", "BP 92/60"), abbreviations ("y/o", "c/o", "PMH",
/// "SOB") and occasional misspellings from the lexicon. Labels follow from the drawn facts:
/// the triage class by ``TriageRules`` and the concept set (negated concepts marked).
///
/// Every sentence slot has several templates; the last ones of each slot are **held out**: notes
/// generated for the `train` split never use them, notes for the `test` split use at least one,
/// so a test score measures generalization to unseen phrasings. Held-out synonyms
/// (``ClinicalConcept/heldOutSynonyms``) are never generated.
///
/// The class is drawn uniformly first, then facts are drawn until the rules give that class, so the
/// three classes are balanced.
///
/// ```swift
/// var rng = Xoshiro256(seed: 0)
/// let generator = ClinicalNoteGenerator()
/// let notes = generator.generate(count: 100, split: .train, using: &rng)
/// ```
public struct ClinicalNoteGenerator: Sendable {
    /// Which templates a note may use.
    public enum TemplateSplit: String, Sendable, Hashable {
        /// Training templates only.
        case train
        /// At least one held-out template.
        case test
    }

    /// The vocabulary.
    public var lexicon: ClinicalLexicon
    /// The probability that a concept mention is written with a lexicon misspelling (default 0.04).
    public var misspellingProbability: Double

    /// Creates a generator.
    public init(lexicon: ClinicalLexicon = .standard, misspellingProbability: Double = 0.04) {
        precondition((0...1).contains(misspellingProbability), "misspellingProbability must be in [0, 1]")
        self.lexicon = lexicon
        self.misspellingProbability = misspellingProbability
    }

    /// The templates per sentence slot and how many of each slot (the last ones) are held out.
    static let slots: [(name: String, templates: [String], heldOut: Int)] = [
        (
            "presentation",
            [
                "{age} y/o {sex} presents with {list}.", "{age}-year-old {sexword} c/o {list} x{dur}.",
                "Pt is a {age}yo {sex} reporting {list} since {since}.", "Chief complaint: {list}. {age}{sex}.",
                "{age} yo {sexword} with {list} for {days} days.",
                "Patient, {age}, {sexword}, came in because of {list} that started {since}.",
                "{list} for {days} days in a {age} year old {sexword}.",
            ], 2
        ),
        (
            "negation",
            [
                "Denies {list}.", "No {list}.", "Negative for {list}.", "Pt denies {list}.",
                "There is no evidence of {list}.", "Patient is without {list}.",
            ], 2
        ),
        (
            "findings",
            [
                "On exam: {list}.", "Exam notable for {list}.", "Pt noted to have {list}.", "Exam shows {list}.",
                "Physical examination reveals {list}.",
            ], 1
        ),
        (
            "history",
            ["PMH: {list}.", "Hx of {list}.", "Past medical history significant for {list}.", "Known {list}."], 1
        ),
        ("vitals", ["Vitals: {list}.", "{list}.", "VS {list}.", "Vital signs show {list}."], 1),
    ]

    /// Generates `count` notes with identifiers `"<prefix>-<n>"` (n from `firstIndex`).
    public func generate<G: RandomNumberGenerator>(
        count: Int, split: TemplateSplit, idPrefix: String = "note", firstIndex: Int = 0, using rng: inout G
    ) -> [ClinicalNote] {
        precondition(count >= 0, "count must be ≥ 0, got \(count)")
        return (0..<count).map { i in
            let target = TriageClass.allCases[uniformIndex(3, &rng)]
            var facts = drawFacts(using: &rng)
            var attempts = 1
            while TriageRules.triage(facts) != target && attempts < 200 {
                facts = drawFacts(using: &rng)
                attempts += 1
            }
            let (text, templates) = write(facts, split: split, using: &rng)
            let order = lexicon.conceptIDs
            let mentions = facts.mentions.sorted { order.firstIndex(of: $0.concept)! < order.firstIndex(of: $1.concept)! }
            var vitals: [String: Double] = [:]
            for (sign, value) in facts.vitals { vitals[sign.rawValue] = value }
            return ClinicalNote(
                id: "\(idPrefix)-\(String(firstIndex + i).leftPadded(to: 5))", text: text,
                triage: TriageRules.triage(facts), concepts: mentions, vitals: vitals, templates: templates,
                split: split.rawValue)
        }
    }

    // MARK: - Facts

    /// Draws one set of facts (concepts, vitals, severity).
    public func drawFacts<G: RandomNumberGenerator>(using rng: inout G) -> ClinicalFacts {
        let symptoms = lexicon.concepts.filter { $0.category == .symptom }.map(\.id)
        let findings = lexicon.concepts.filter { $0.category == .finding }.map(\.id)
        let history = lexicon.concepts.filter { $0.category == .history }.map(\.id)
        var used = Set<String>()
        var mentions: [ConceptMention] = []
        func pick(_ pool: [String], _ n: Int, negated: Bool) {
            let free = pool.filter { !used.contains($0) }
            for id in sample(free, n, &rng) {
                used.insert(id)
                mentions.append(ConceptMention(concept: id, negated: negated))
            }
        }
        pick(symptoms, 1 + uniformIndex(3, &rng), negated: false)
        if rng.nextUnitDouble() < 0.4 { pick(findings, 1 + uniformIndex(2, &rng), negated: false) }
        if rng.nextUnitDouble() < 0.5 { pick(history, 1 + uniformIndex(2, &rng), negated: false) }
        if rng.nextUnitDouble() < 0.75 { pick(symptoms + findings, 1 + uniformIndex(3, &rng), negated: true) }
        var vitals: [VitalSign: Double] = [:]
        for sign in VitalSign.allCases where rng.nextUnitDouble() < 0.75 {
            let abnormal = rng.nextUnitDouble() < 0.35
            let (low, high): (Double, Double)
            switch (sign, abnormal) {
            case (.spo2, false): (low, high) = (95, 100)
            case (.spo2, true): (low, high) = (78, 95)
            case (.heartRate, false): (low, high) = (55, 100)
            case (.heartRate, true): (low, high) = (100, 150)
            case (.systolicBP, false): (low, high) = (100, 160)
            case (.systolicBP, true): (low, high) = (70, 105)
            case (.temperature, false): (low, high) = (36.0, 37.9)
            case (.temperature, true): (low, high) = (37.8, 40.5)
            case (.respiratoryRate, false): (low, high) = (12, 20)
            case (.respiratoryRate, true): (low, high) = (20, 36)
            }
            let value = low + (high - low) * rng.nextUnitDouble()
            vitals[sign] = sign == .temperature ? (value * 10).rounded() / 10 : value.rounded()
        }
        var severity: String?
        if mentions.contains(where: { !$0.negated && TriageRules.painConcepts.contains($0.concept) }),
            rng.nextUnitDouble() < 0.6
        {
            severity = lexicon.severityWords[uniformIndex(lexicon.severityWords.count, &rng)]
        }
        return ClinicalFacts(mentions: mentions, vitals: vitals, painSeverity: severity)
    }

    // MARK: - Writing

    /// Writes facts as a note; returns the text and the templates used.
    func write<G: RandomNumberGenerator>(
        _ facts: ClinicalFacts, split: TemplateSplit, using rng: inout G
    ) -> (String, [String]) {
        let byID = Dictionary(uniqueKeysWithValues: lexicon.concepts.map { ($0.id, $0) })
        let affirmed = facts.mentions.filter { !$0.negated }.map { byID[$0.concept]! }
        let presenting = affirmed.filter { $0.category == .symptom }
        let findings = affirmed.filter { $0.category == .finding }
        let history = affirmed.filter { $0.category == .history }
        let negated = facts.mentions.filter(\.negated).map { byID[$0.concept]! }

        var severityPending = facts.painSeverity
        func surface(_ concept: ClinicalConcept) -> String {
            var text: String
            if !concept.misspellings.isEmpty && rng.nextUnitDouble() < misspellingProbability {
                text = concept.misspellings[uniformIndex(concept.misspellings.count, &rng)]
            } else {
                text = concept.synonyms[uniformIndex(concept.synonyms.count, &rng)]
            }
            if let severity = severityPending, TriageRules.painConcepts.contains(concept.id) {
                text = severity + " " + text
                severityPending = nil
            }
            return text
        }

        // Which slots appear, and their templates.
        var slotLists: [(slot: Int, items: [String])] = []
        let presentingItems = (presenting.isEmpty ? findings : presenting).map(surface)
        slotLists.append((0, presentingItems))
        if !negated.isEmpty { slotLists.append((1, negated.map(surface))) }
        if !presenting.isEmpty && !findings.isEmpty { slotLists.append((2, findings.map(surface))) }
        if !history.isEmpty { slotLists.append((3, history.map(surface))) }
        if !facts.vitals.isEmpty { slotLists.append((4, vitalItems(facts.vitals, using: &rng))) }

        var choices: [Int] = slotLists.map { entry in
            let slot = Self.slots[entry.slot]
            let trainCount = slot.templates.count - slot.heldOut
            let range = split == .train ? trainCount : slot.templates.count
            return uniformIndex(range, &rng)
        }
        if split == .test,
            !zip(slotLists, choices).contains(where: { $1 >= Self.slots[$0.slot].templates.count - Self.slots[$0.slot].heldOut })
        {
            let forced = uniformIndex(slotLists.count, &rng)
            let slot = Self.slots[slotLists[forced].slot]
            choices[forced] = slot.templates.count - slot.heldOut + uniformIndex(slot.heldOut, &rng)
        }

        let age = 18 + uniformIndex(78, &rng)
        let female = uniformIndex(2, &rng) == 0
        var sentences: [String] = []
        var templates: [String] = []
        for (entry, choice) in zip(slotLists, choices) {
            let slot = Self.slots[entry.slot]
            let conjunction = entry.slot == 1 ? "or" : "and"
            let list = entry.slot == 4 ? joinVitals(entry.items, using: &rng) : joinList(entry.items, conjunction, using: &rng)
            var sentence = slot.templates[choice]
            sentence = sentence.replacing("{list}", with: list)
            sentence = sentence.replacing("{age}", with: String(age))
            sentence = sentence.replacing("{sexword}", with: female ? ["female", "woman"][uniformIndex(2, &rng)] : ["male", "man"][uniformIndex(2, &rng)])
            sentence = sentence.replacing("{sex}", with: female ? "F" : "M")
            sentence = sentence.replacing("{days}", with: String(1 + uniformIndex(6, &rng)))
            sentence = sentence.replacing("{dur}", with: "\(1 + uniformIndex(12, &rng))\(["h", " hours", " days", "d"][uniformIndex(4, &rng)])")
            sentence = sentence.replacing("{since}", with: ["this morning", "last night", "yesterday", "2 days ago", "an hour ago"][uniformIndex(5, &rng)])
            sentences.append(capitalizeFirst(sentence))
            templates.append("\(slot.name).\(choice)")
        }
        // The presentation stays first; the other sentences come in random order.
        var rest = Array(zip(sentences, templates).dropFirst())
        rest.shuffle(using: &rng)
        let ordered = [(sentences[0], templates[0])] + rest
        return (ordered.map(\.0).joined(separator: " "), ordered.map(\.1))
    }

    /// One phrase per vital sign, with its unit in one of several writings.
    func vitalItems<G: RandomNumberGenerator>(_ vitals: [VitalSign: Double], using rng: inout G) -> [String] {
        var items: [String] = []
        for sign in VitalSign.allCases {
            guard let value = vitals[sign] else { continue }
            let v = sign == .temperature ? formatTenths(value) : String(Int(value))
            let forms: [String]
            switch sign {
            case .spo2: forms = ["SpO2 \(v) %", "SpO2 \(v)%", "sat \(v)% on RA", "O2 sat \(v) %", "oxygen saturation \(v)%"]
            case .heartRate: forms = ["HR \(v) bpm", "HR \(v)", "pulse \(v)", "heart rate \(v) bpm"]
            case .systolicBP:
                let diastolic = String(Int((value * 0.62 + Double(uniformIndex(12, &rng))).rounded()))
                forms = ["BP \(v)/\(diastolic)", "BP \(v)/\(diastolic) mmHg", "blood pressure \(v)/\(diastolic)"]
            case .temperature: forms = ["T \(v) C", "temp \(v) °C", "temperature \(v)°C", "T \(v)"]
            case .respiratoryRate: forms = ["RR \(v)", "RR \(v)/min", "resp rate \(v)", "respiratory rate \(v) per min"]
            }
            items.append(forms[uniformIndex(forms.count, &rng)])
        }
        items.shuffle(using: &rng)
        return items
    }

    private func joinList<G: RandomNumberGenerator>(_ items: [String], _ conjunction: String, using rng: inout G) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        if uniformIndex(3, &rng) == 0 { return items.joined(separator: ", ") }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
    }

    private func joinVitals<G: RandomNumberGenerator>(_ items: [String], using rng: inout G) -> String {
        items.joined(separator: [", ", "; ", ", "][uniformIndex(3, &rng)])
    }
}

/// A uniform index in `0..<n`.
func uniformIndex<G: RandomNumberGenerator>(_ n: Int, _ rng: inout G) -> Int {
    precondition(n >= 1, "uniformIndex needs n ≥ 1, got \(n)")
    return Int(rng.next(upperBound: UInt64(n)))
}

/// `n` distinct elements of `pool` in random order (all of them if `n ≥ pool.count`).
private func sample<G: RandomNumberGenerator>(_ pool: [String], _ n: Int, _ rng: inout G) -> [String] {
    var items = pool
    let take = min(n, items.count)
    for i in 0..<take {
        let j = i + uniformIndex(items.count - i, &rng)
        items.swapAt(i, j)
    }
    return Array(items.prefix(take))
}

private func capitalizeFirst(_ s: String) -> String {
    guard let first = s.first else { return s }
    return first.uppercased() + s.dropFirst()
}

private func formatTenths(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(abs(tenths % 10))"
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
