import Channels
import RawTransmission

extension SVGPlot {
    /// BER curves from ``BERSimulation`` rows: one series per (modulation, code, channel) in
    /// first-appearance order, Eb/N0 (dB) against BER on a logarithmic axis (points with no
    /// errors are left out), and optionally the dashed closed-form curve (``BERTheory``) for each
    /// uncoded AWGN series (Gray QAM approximation) and uncoded BPSK/QPSK Rayleigh series.
    /// - Parameters:
    ///   - rows: simulation rows (several runs may be concatenated).
    ///   - title: the plot title.
    ///   - includeTheory: add the reference curves.
    /// - Returns: the plot, ready for ``render()``.
    public static func berCurves(rows: [BERRow], title: String = "Bit error rate", includeTheory: Bool = true)
        -> SVGPlot
    {
        var plot = SVGPlot(title: title, xLabel: "Eb/N0 (dB)", yLabel: "bit error rate", yScale: .logarithmic)
        var keys: [String] = []
        var groups: [String: [BERRow]] = [:]
        for row in rows {
            let key = "\(row.modulation) / \(row.code) / \(row.channel)"
            if groups[key] == nil { keys.append(key) }
            groups[key, default: []].append(row)
        }
        for key in keys {
            let group = groups[key]!.sorted { $0.ebNoDecibels < $1.ebNoDecibels }  // key from `groups`
            plot.series.append(
                Series(
                    name: key, points: group.filter { $0.bitErrors > 0 }.map { Point(x: $0.ebNoDecibels, y: $0.ber) }))
        }
        guard includeTheory else { return plot }
        for key in keys {
            let group = groups[key]!.sorted { $0.ebNoDecibels < $1.ebNoDecibels }  // key from `groups`
            let first = group[0]
            guard first.code == .none else { continue }
            let theory: ((Double) -> Double)?
            switch first.channel {
            case .awgn: theory = { BERTheory.grayQAMAWGN(first.modulation, ebNoDecibels: $0) }
            case .rayleigh where first.modulation.bitsPerSymbol <= 2:
                theory = { BERTheory.bpskRayleigh(ebNoDecibels: $0) }
            default: theory = nil
            }
            guard let theory, let low = group.first?.ebNoDecibels, let high = group.last?.ebNoDecibels, high > low
            else {
                continue
            }
            let points = (0...40).map { i -> Point in
                let x = low + (high - low) * Double(i) / 40
                return Point(x: x, y: theory(x))
            }
            plot.series.append(
                Series(name: "theory \(first.modulation) \(first.channel)", points: points, dashed: true))
        }
        return plot
    }
}
