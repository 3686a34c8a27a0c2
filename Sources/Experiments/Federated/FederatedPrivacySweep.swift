import Federated
import Foundation
import HealthData
import Privacy
import TensorCore

/// The privacy–utility sweep of `semcom federated`: for every number of clinics and every target
/// ε (plus a non-private reference), k-fold cross-validated federated training, one row each.
///
/// Every fold and setting gets its own seed derived from the sweep seed, so a row does not depend
/// on which other rows were requested.
public enum FederatedPrivacySweep {
    /// The sweep's settings.
    public struct Configuration: Sendable {
        /// Numbers of clinics to try.
        public var clinicCounts: [Int]
        /// Target ε values (each > 0).
        public var epsilons: [Double]
        /// The privacy settings shared by every ε (its `epsilon` is replaced per row); `nil`
        /// runs only the non-private reference.
        public var privacy: FederatedPrivacyConfiguration?
        /// Whether to add a non-private row per number of clinics.
        public var includeNonPrivate: Bool
        /// Cross-validation folds (≥ 2).
        public var folds: Int
        /// The federation template (its `clinics` and `privacy` are replaced per row).
        public var federation: FederationConfiguration

        /// Creates a configuration.
        public init(
            clinicCounts: [Int], epsilons: [Double], privacy: FederatedPrivacyConfiguration?,
            includeNonPrivate: Bool = true, folds: Int = 5, federation: FederationConfiguration = .init()
        ) {
            self.clinicCounts = clinicCounts
            self.epsilons = epsilons
            self.privacy = privacy
            self.includeNonPrivate = includeNonPrivate
            self.folds = folds
            self.federation = federation
        }

        /// Checks the sweep against the data.
        /// - Throws: ``FederatedError`` for folds < 2 or > records, no clinic counts, ε ≤ 0, a bad
        ///   privacy configuration, more clinics than training records in a fold.
        public func validate(records: Int) throws {
            guard folds >= 2 else {
                throw FederatedError(
                    code: .invalidParameter, message: "cross-validation needs at least 2 folds, got \(folds)")
            }
            guard folds <= records else {
                throw FederatedError(code: .invalidParameter, message: "\(folds) folds for only \(records) records")
            }
            guard !clinicCounts.isEmpty else {
                throw FederatedError(code: .invalidParameter, message: "give at least one number of clinics")
            }
            for epsilon in epsilons {
                var privacy = privacy ?? FederatedPrivacyConfiguration(epsilon: epsilon)
                privacy.epsilon = epsilon
                try privacy.validate()
            }
            let smallestTrain = records - (records + folds - 1) / folds
            for clinics in clinicCounts {
                var federation = self.federation
                federation.clinics = clinics
                federation.privacy = privacy
                try federation.validate(trainingRecords: smallestTrain)
            }
        }
    }

    /// One measured point: a number of clinics and a target ε (or none), over all folds.
    public struct Row: Sendable, Hashable, Codable {
        /// Number of clinics.
        public var clients: Int
        /// Target ε (`nil`: non-private).
        public var epsilonTarget: Double?
        /// ε actually spent (mean over folds; 0 when non-private).
        public var epsilonSpent: Double
        /// δ (`nil`: non-private).
        public var delta: Double?
        /// `rdp`, `pld`, `rdp-ddg` or `none`.
        public var accountant: String
        /// The plan's noise multiplier (0 when non-private).
        public var noiseMultiplier: Double
        /// Rounds per federation.
        public var rounds: Int
        /// `record`, `client` or `none`.
        public var privacyUnit: String
        /// `central`, `local`, `distributed` or `none`.
        public var noise: String
        /// Mean and sample standard deviation of the folds' test accuracy.
        public var accuracyMean: Double
        /// Sample standard deviation (n − 1) of the fold accuracies.
        public var accuracyStd: Double
        /// Mean test loss over the folds.
        public var lossMean: Double
        /// `none`, `awgn-digital` or `awgn-analog`.
        public var channel: String
        /// Es/N0 in dB (`nil` without a channel).
        public var snrDb: Double?
        /// Whether updates were securely aggregated.
        public var secureAggregation: Bool
        /// The configured dropout rate.
        public var dropoutRate: Double
        /// Test accuracy of each fold.
        public var foldAccuracies: [Double]
        /// Rounds aborted (too few survivors), summed over folds.
        public var abortedRounds: Int
        /// Clinic updates lost to a failed frame, summed over folds.
        public var updatesLostToChannel: Int
        /// Frame error rate of the digital link (0 otherwise).
        public var frameErrorRate: Double
        /// Normalized MSE of analog updates (0 otherwise).
        public var analogNmse: Double
        /// Complex channel uses per clinic update (0 without a channel).
        public var channelUsesPerUpdate: Double
        /// Wall-clock seconds per federation (mean over folds).
        public var secondsPerRun: Double

        enum CodingKeys: String, CodingKey {
            case clients, delta, accountant, rounds, noise, channel
            case epsilonTarget = "epsilon_target", epsilonSpent = "epsilon_spent", noiseMultiplier = "noise_multiplier"
            case privacyUnit = "privacy_unit", accuracyMean = "accuracy_mean", accuracyStd = "accuracy_std"
            case lossMean = "loss_mean", snrDb = "snr_db", secureAggregation = "secure_aggregation"
            case dropoutRate = "dropout_rate", foldAccuracies = "fold_accuracies", abortedRounds = "aborted_rounds"
            case updatesLostToChannel = "updates_lost_to_channel", frameErrorRate = "frame_error_rate"
            case analogNmse = "analog_nmse", channelUsesPerUpdate = "channel_uses_per_update"
            case secondsPerRun = "seconds_per_run"
        }

        /// Encodes `epsilon_target`, `delta` and `snr_db` as JSON `null` when absent (every row has every key).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(clients, forKey: .clients)
            try c.encode(epsilonTarget, forKey: .epsilonTarget)
            try c.encode(epsilonSpent, forKey: .epsilonSpent)
            try c.encode(delta, forKey: .delta)
            try c.encode(accountant, forKey: .accountant)
            try c.encode(noiseMultiplier, forKey: .noiseMultiplier)
            try c.encode(rounds, forKey: .rounds)
            try c.encode(privacyUnit, forKey: .privacyUnit)
            try c.encode(noise, forKey: .noise)
            try c.encode(accuracyMean, forKey: .accuracyMean)
            try c.encode(accuracyStd, forKey: .accuracyStd)
            try c.encode(lossMean, forKey: .lossMean)
            try c.encode(channel, forKey: .channel)
            try c.encode(snrDb, forKey: .snrDb)
            try c.encode(secureAggregation, forKey: .secureAggregation)
            try c.encode(dropoutRate, forKey: .dropoutRate)
            try c.encode(foldAccuracies, forKey: .foldAccuracies)
            try c.encode(abortedRounds, forKey: .abortedRounds)
            try c.encode(updatesLostToChannel, forKey: .updatesLostToChannel)
            try c.encode(frameErrorRate, forKey: .frameErrorRate)
            try c.encode(analogNmse, forKey: .analogNmse)
            try c.encode(channelUsesPerUpdate, forKey: .channelUsesPerUpdate)
            try c.encode(secondsPerRun, forKey: .secondsPerRun)
        }
    }

    /// Runs the sweep on a labelled table (stratified k-fold; folds drawn once from `seed`).
    /// - Parameters:
    ///   - data: the records.
    ///   - configuration: the sweep.
    ///   - seed: the sweep seed.
    ///   - progress: called with a line after each row.
    /// - Returns: for each number of clinics, the non-private row (if requested) then one row per ε.
    /// - Throws: ``FederatedError`` for bad settings or an unreachable target.
    public static func run(
        _ data: FederatedDataset, configuration: Configuration, seed: UInt64, progress: (String) -> Void = { _ in }
    ) throws -> [Row] {
        try configuration.validate(records: data.count)
        var foldRNG = Xoshiro256(seed: seed)
        let splits = DataSplit.stratifiedKFold(labels: data.labels, folds: configuration.folds, using: &foldRNG)
        let folds = splits.map { (data.subset($0.trainIndices), data.subset($0.testIndices)) }
        var rows: [Row] = []
        for clinics in configuration.clinicCounts {
            var settings: [FederatedPrivacyConfiguration?] = configuration.includeNonPrivate ? [nil] : []
            if let template = configuration.privacy {
                for epsilon in configuration.epsilons {
                    var privacy = template
                    privacy.epsilon = epsilon
                    settings.append(privacy)
                }
            }
            for privacy in settings {
                var federation = configuration.federation
                federation.clinics = clinics
                federation.privacy = privacy
                let row = try measure(federation, folds: folds, seed: seed)
                rows.append(row)
                progress(
                    "clinics \(clinics), epsilon \(privacy.map { "\($0.epsilon)" } ?? "∞"): accuracy "
                        + String(format: "%.3f ± %.3f", row.accuracyMean, row.accuracyStd)
                        + String(format: ", ε spent %.3f", row.epsilonSpent))
            }
        }
        return rows
    }

    /// One row: the federation trained and tested on every fold.
    static func measure(
        _ federation: FederationConfiguration, folds: [(FederatedDataset, FederatedDataset)], seed: UInt64
    ) throws -> Row {
        var accuracies: [Double] = []
        var losses: [Double] = []
        var spent: [Double] = []
        var sigma = 0.0
        var aborted = 0
        var link = LinkStatistics()
        var seconds = 0.0
        for (k, (train, test)) in folds.enumerated() {
            var seedStream = Xoshiro256(seed: seed).fork(
                stream: UInt64(k + 1) &* 1_000_003 &+ UInt64(federation.clinics))
            let runSeed = seedStream.next()
            let start = Date()
            let result = try FederatedSimulation.run(federation, train: train, test: test, seed: runSeed)
            seconds += Date().timeIntervalSince(start)
            accuracies.append(result.accuracy)
            losses.append(result.loss)
            spent.append(result.epsilonSpent)
            sigma = result.noiseMultiplier
            aborted += result.abortedRounds
            link.add(result.link)
        }
        let n = Double(accuracies.count)
        let mean = accuracies.reduce(0, +) / n
        let variance = accuracies.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Swift.max(n - 1, 1)
        let privacy = federation.privacy
        return Row(
            clients: federation.clinics, epsilonTarget: privacy?.epsilon, epsilonSpent: spent.reduce(0, +) / n,
            delta: privacy?.delta, accountant: privacy?.accountantName ?? "none", noiseMultiplier: sigma,
            rounds: federation.rounds, privacyUnit: privacy?.unit.rawValue ?? "none",
            noise: privacy?.noise.rawValue ?? "none", accuracyMean: mean, accuracyStd: variance.squareRoot(),
            lossMean: losses.reduce(0, +) / n, channel: federation.link.channelName, snrDb: federation.link.snrDecibels,
            secureAggregation: federation.secureAggregation, dropoutRate: federation.dropoutRate,
            foldAccuracies: accuracies, abortedRounds: aborted, updatesLostToChannel: link.updatesLost,
            frameErrorRate: link.frameErrorRate, analogNmse: link.analogNMSE,
            channelUsesPerUpdate: link.updatesSent == 0 ? 0 : Double(link.channelUses) / Double(link.updatesSent),
            secondsPerRun: seconds / n)
    }

    /// The paper's figure: accuracy (left) and loss (right) against ε on a log axis, one line per
    /// number of clinics, each clinic count's non-private level as a dashed horizontal line.
    public static func svg(_ rows: [Row], title: String = "Federated privacy–utility trade-off") -> String {
        let accuracy = plot(rows, title: "\(title): accuracy", yLabel: "test accuracy", value: \.accuracyMean)
        let loss = plot(rows, title: "\(title): loss", yLabel: "test loss", value: \.lossMean)
        let width = accuracy.width + loss.width
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(accuracy.height))" \
            viewBox="0 0 \(Int(width)) \(Int(accuracy.height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <svg x="0" y="0">\(inner(accuracy.render()))</svg>
            <svg x="\(Int(accuracy.width))" y="0">\(inner(loss.render()))</svg>
            </svg>

            """
    }

    static func plot(_ rows: [Row], title: String, yLabel: String, value: KeyPath<Row, Double>) -> SVGPlot {
        var plot = SVGPlot(title: title, xLabel: "target ε (δ fixed)", yLabel: yLabel, xScale: .logarithmic)
        let epsilons = rows.compactMap(\.epsilonTarget)
        let low = epsilons.min() ?? 0.1
        let high = epsilons.max() ?? 10
        var clinicCounts: [Int] = []
        for row in rows where !clinicCounts.contains(row.clients) { clinicCounts.append(row.clients) }
        for clinics in clinicCounts {
            let privateRows = rows.filter { $0.clients == clinics && $0.epsilonTarget != nil }
                .sorted { $0.epsilonTarget! < $1.epsilonTarget! }  // filtered to non-nil
            if !privateRows.isEmpty {
                plot.series.append(
                    .init(
                        name: "\(clinics) clinics",
                        points: privateRows.map { .init(x: $0.epsilonTarget!, y: $0[keyPath: value]) }))  // non-nil
            }
            if let reference = rows.first(where: { $0.clients == clinics && $0.epsilonTarget == nil }) {
                plot.series.append(
                    .init(
                        name: "\(clinics) clinics, non-private",
                        points: [
                            .init(x: low, y: reference[keyPath: value]), .init(x: high, y: reference[keyPath: value]),
                        ],
                        dashed: true))
            }
        }
        return plot
    }

    /// The body of a standalone SVG document (without the XML wrapper), to nest it.
    static func inner(_ svg: String) -> String {
        guard let start = svg.range(of: ">")?.upperBound,
            let end = svg.range(of: "</svg>", options: .backwards)?.lowerBound
        else { return svg }
        return String(svg[start..<end])
    }

    /// A plain-text table of the rows.
    public static func table(_ rows: [Row]) -> String {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        var lines = [
            "clinics  ε target  ε spent  σ         unit    noise        accuracy (mean ± std)  loss    aborted  lost"
        ]
        for r in rows {
            lines.append(
                pad("\(r.clients)", 9) + pad(r.epsilonTarget.map { String(format: "%g", $0) } ?? "∞", 10)
                    + pad(String(format: "%.3f", r.epsilonSpent), 9)
                    + pad(String(format: "%.3f", r.noiseMultiplier), 10)
                    + pad(r.privacyUnit, 8) + pad(r.noise, 13)
                    + pad(String(format: "%.3f ± %.3f", r.accuracyMean, r.accuracyStd), 23)
                    + pad(String(format: "%.4f", r.lossMean), 8) + pad("\(r.abortedRounds)", 9)
                    + "\(r.updatesLostToChannel)")
        }
        return lines.joined(separator: "\n")
    }
}

/// The federated privacy–utility section of the HTML report (`semcom demo`).
public struct FederatedReportSection: ReportSection {
    /// The rows.
    public var rows: [FederatedPrivacySweep.Row]
    /// The heading.
    public var title: String
    /// A description of the setting (plain text).
    public var summary: String

    /// Creates a section.
    public init(rows: [FederatedPrivacySweep.Row], title: String, summary: String) {
        self.rows = rows
        self.title = title
        self.summary = summary
    }

    public func files() -> [ReportFile] {
        [ReportFile(name: "federated-privacy.svg", contents: FederatedPrivacySweep.svg(rows))]
    }

    public func bodyHTML() -> String {
        var html =
            "<p>\(escapeXML(summary))</p>\n<img src=\"federated-privacy.svg\" alt=\"accuracy and loss against epsilon\">\n"
        html +=
            "<table><tr><th>clinics</th><th>target ε</th><th>ε spent</th><th>σ</th><th>accuracy</th><th>loss</th></tr>"
        for r in rows {
            html +=
                "<tr><td>\(r.clients)</td><td>\(r.epsilonTarget.map { String(format: "%g", $0) } ?? "non-private")</td>"
            html += String(
                format: "<td>%.3f</td><td>%.3f</td><td>%.3f ± %.3f</td><td>%.4f</td></tr>", r.epsilonSpent,
                r.noiseMultiplier, r.accuracyMean, r.accuracyStd, r.lossMean)
        }
        return html + "</table>\n"
    }
}
