import ArgumentParser
import Experiments
import Foundation
import HealthData
import KnowledgeBase
import TensorCore

extension SemCom {
    /// `semcom demo`: the main job on embedded defaults.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run SemCom's showcase on the embedded Breast Cancer Wisconsin data.",
            discussion: """
                Trains a linear SVM and a small MLP with SemCom's own tensor and network core and \
                prints their stratified 5-fold cross-validated accuracy on the 683 complete rows \
                (features ÷ 10). scikit-learn's linear SVM reaches 0.966 ± 0.014 on the same task.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "Cross-validation folds.")
        var folds = 5

        @Option(help: "Training epochs per model and fold.")
        var epochs = 150

        @Option(help: "Write the result document (JSON) to this path.")
        var json: String?

        @Option(help: "The tabular knowledge base of the end-to-end link.")
        var kb: String = "KnowledgeBases/bcwd-tabular.semkb"

        @Option(help: "The pose knowledge base (skipped when missing).")
        var poseKB: String = "KnowledgeBases/pose-activity.semkb"

        @Option(help: "The clinical-text knowledge base of the notes section (skipped when absent).")
        var textKB: String = "KnowledgeBases/clinical-triage.semkb"

        @Option(help: "The multi-modal knowledge base of the records section (skipped when absent).")
        var multimodalKB: String = "KnowledgeBases/bcwd-multimodal.semkb"

        @Option(help: "Directory of the HTML report (index.html and SVG plots).")
        var report: String = "semcom-report"

        func validate() throws {
            guard folds >= 2 && folds <= 683 else { throw ValidationError("--folds must be in 2…683, got \(folds)") }
            guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        }

        func run() throws {
            global.apply()
            let data = try BreastCancerWisconsin.embedded(missingValues: .excludeRows, scale: .dividedByTen)
            print("SemCom demo — Breast Cancer Wisconsin (original), \(data.count) complete rows "
                + "(\(data.excludedRowCount) with missing values excluded), features ÷ 10")
            print("Stratified \(folds)-fold cross-validation, seed \(global.seed)\n")
            var configuration = BCWDClassifiers.Configuration()
            configuration.folds = folds
            configuration.epochs = epochs
            var rng = Xoshiro256(seed: global.seed)
            let rows = BCWDClassifiers.crossValidate(
                data, configuration: configuration, using: &rng, progress: { global.progress($0) })
            let nameWidth = 12
            print("model".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  folds  accuracy (mean ± std)")
            for row in rows {
                print(
                    row.model.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                        + "  \(String(row.folds).padding(toLength: 5, withPad: " ", startingAt: 0))"
                        + "  \(format(row.accuracyMean)) ± \(format(row.accuracyStd))")
            }
            print("\nReference (scikit-learn 1.5.2, same task): linear SVM 0.966 ± 0.014, logistic regression 0.965 ± 0.013")
            print("\n" + FederatedDemo.heading)
            let federated = try FederatedDemo.run(seed: global.seed, progress: { global.progress($0) })
            print(federated.table)
            print("\n" + FederatedAttackDemo.heading)
            let attacks = try FederatedAttackDemo.run(seed: global.seed, progress: { global.progress($0) })
            print(attacks.table)
            var keyRNG = Xoshiro256(seed: global.seed &+ 2)
            let keyGeneration = try KeyGenerationDemo.run(sessions: 100, using: &keyRNG)
            print("\n" + KeyGenerationDemo.render(keyGeneration))
            try runLink(classifiers: rows, extraSections: [federated.section, attacks.section, KeyGenerationDemo.section(keyGeneration)])
            if let json {
                try ResultDocument(
                    command: "demo", seed: global.seed,
                    inputs: ["data": "bcwd", "folds": "\(folds)", "epochs": "\(epochs)", "threads": "\(global.threads)"],
                    rows: rows
                ).writeJSON(to: json)
            }
        }

        private func format(_ value: Double) -> String { String(format: "%.3f", value) }

        /// The vital-sign links (rhythm, waveform) when their shipped KBs are present.
        private func vitalsSection() throws -> VitalsReportSection? {
            let rhythm = "KnowledgeBases/vitals-rhythm.semkb", waveform = "KnowledgeBases/vitals-waveform.semkb"
            guard FileManager.default.fileExists(atPath: rhythm), FileManager.default.fileExists(atPath: waveform) else { return nil }
            print("\nVital signs — \(rhythm) and \(waveform) over AWGN vs raw transmission")
            let section = try VitalsReportSection.run(
                rhythmKB: rhythm, waveformKB: waveform, seed: global.seed &+ 2, progress: { global.progress($0) })
            print(VitalsLinkEvaluation.table(section.rhythmRows + section.waveformRows))
            return section
        }

        /// Attacks on the standard and the adversarially trained BCWD codecs (and the text codecs),
        /// when the adversarially trained KB is present.
        private func robustnessSection() throws -> RobustnessReportSection? {
            let adversarial = kb.replacingOccurrences(of: ".semkb", with: "-pgd-at.semkb")
            guard FileManager.default.fileExists(atPath: adversarial) else { return nil }
            print("\nRobustness — PGD on the input (L∞, grades) and attacks on the symbols (SPR 10 dB), \(kb) vs \(adversarial), AWGN 10 dB")
            let section = try RobustnessReportSection.run(
                tabularKBs: [kb, adversarial],
                textKBs: [textKB.replacingOccurrences(of: ".semkb", with: "-clean.semkb"), textKB], seed: global.seed &+ 3,
                progress: { global.progress($0) })
            print(section.text)
            return section
        }

        /// The end-to-end semantic link of the shipped knowledge base over AWGN and Rayleigh fading,
        /// against raw transmission and eavesdroppers, printed and written as an HTML report.
        private func runLink(classifiers: [BCWDClassifiers.Evaluation], extraSections: [any ReportSection] = []) throws {
            guard FileManager.default.fileExists(atPath: kb) else {
                print("\n(\(kb) not found: run the demo from the repository's root for the semantic-link part)")
                return
            }
            print("\nSemantic link — \(kb) over AWGN and Rayleigh block fading with and without CSI, vs raw transmission and eavesdroppers")
            let knowledgeBase = try KnowledgeBase(contentsOfFile: kb)
            let configuration = EvaluationConfiguration(
                channels: try ChannelSpec.parseList("awgn,rayleigh,rayleigh-nocsi"), snrDecibels: [-10, -5, 0, 5, 10, 20])
            var rng = Xoshiro256(seed: global.seed &+ 1)
            let (result, setup) = try TabularLinkEvaluation.run(
                knowledgeBase: knowledgeBase, configuration: configuration, using: &rng,
                progress: { global.progress($0) })
            print(EvaluationTable.render(result, setup: setup))
            var poseSections: [any ReportSection] = []
            if FileManager.default.fileExists(atPath: poseKB) {
                print("\nPose — \(poseKB): activity and fall detection over AWGN, privacy of the symbols")
                var poseRNG = Xoshiro256(seed: global.seed &+ 2)
                let pose = try PoseDemo.run(knowledgeBasePath: poseKB, using: &poseRNG, progress: { global.progress($0) })
                print(pose.text)
                poseSections = pose.sections
                print("\nIncognito mode — 100 simulated users, height and wingspan at ε = 1, 3, 5 (bounded Laplace, secondary avatar)")
                let incognito = try IncognitoDemo.run(
                    knowledgeBasePath: poseKB, seed: global.seed &+ 3, progress: { global.progress($0) })
                print(incognito.text)
                poseSections.append(incognito.section)
            }
            let vitals = try vitalsSection()
            let classifierRows = classifiers.map {
                "<tr><td>\($0.model)</td><td>\($0.folds)</td><td>\(format($0.accuracyMean)) ± \(format($0.accuracyStd))</td></tr>"
            }.joined()
            var textSections: [any ReportSection] = []
            if FileManager.default.fileExists(atPath: textKB) {
                print("\nClinical notes — \(textKB) over AWGN, clean and with semantic noise, vs raw transmission and eavesdroppers")
                let text = try ClinicalTextDemo.run(
                    knowledgeBasePath: textKB, cleanKnowledgeBasePath: textKB.replacingOccurrences(of: ".semkb", with: "-clean.semkb"),
                    seed: global.seed &+ 2, progress: { global.progress($0) })
                print(text.text)
                textSections = text.sections
            }
            if FileManager.default.fileExists(atPath: multimodalKB) {
                print("\nMulti-modal records — \(multimodalKB): fused vs table-only vs note-only over AWGN, one modality corrupted")
                let records = try MultimodalDemo.run(
                    knowledgeBasePath: multimodalKB, seed: global.seed &+ 4, progress: { global.progress($0) })
                print(records.text)
                textSections.append(records.section)
            }
            let robustness = try robustnessSection()
            let written = try HTMLReport(
                title: "SemCom demo report",
                summary: """
                    Seed \(global.seed). Breast Cancer Wisconsin (original), 683 complete records. \
                    Knowledge base \(knowledgeBase.fingerprint.hexString.prefix(16)) \
                    (\(setup.channelUsesPerSample) complex channel uses per record).
                    """,
                sections: [
                    HTMLFragmentSection(
                        title: "Classifiers on the table (stratified \(folds)-fold cross-validation)",
                        html: "<table><tr><th>model</th><th>folds</th><th>accuracy</th></tr>\(classifierRows)</table>"
                            + "<p>scikit-learn reference: linear SVM 0.966 ± 0.014.</p>"),
                    EvaluationReportSection(
                        result: result, title: "Breast Cancer Wisconsin — tabular semantic link", filePrefix: "bcwd",
                        summary: "Test split recorded in the knowledge base (\(setup.testCount) records); "
                            + "raw task model fitted on \(setup.trainCount) clean records: \(setup.rawTaskModel ?? "mlp-16"); "
                            + "naive eavesdropper: \(setup.eavesdropper)."),
                ] + poseSections + textSections + (vitals.map { [$0] } ?? []) + (robustness.map { [$0] } ?? [])
                    + extraSections
            ).write(toDirectory: report)
            print("report: \(report)/index.html (\(written.count) files)")
        }
    }
}
