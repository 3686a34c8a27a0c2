import RealModule

/// A line plot rendered as a standalone SVG 1.1 document by plain string generation: axes with
/// ticks and labels, a linear or base-10 logarithmic scale on each axis, one polyline with
/// markers per series, and a legend — enough for BER/FER curves and accuracy-vs-SNR sweeps.
///
/// - Points that cannot be drawn (non-finite, or ≤ 0 on a logarithmic axis — a BER of 0) break
///   the line instead of being drawn; a series without drawable points appears only in the legend.
/// - A logarithmic axis spans whole decades and labels each one `10^k`, with light minor grid
///   lines at 2…9 × 10^k; a linear axis gets 1-2-5 "nice" ticks (Heckbert, "Nice numbers for
///   graph labels", *Graphics Gems*, 1990).
/// - Text is XML-escaped; coordinates are printed with two decimals, so output is deterministic.
///
/// ```swift
/// var plot = SVGPlot(title: "BPSK over AWGN", xLabel: "Eb/N0 (dB)", yLabel: "BER", yScale: .logarithmic)
/// plot.series.append(.init(name: "simulated", points: [.init(x: 0, y: 0.079), .init(x: 4, y: 0.0125)]))
/// let svg = plot.render()   // "<svg xmlns=…>…</svg>"
/// ```
public struct SVGPlot: Sendable, Hashable {
    /// How an axis maps values to pixels.
    public enum Scale: Sendable, Hashable {
        /// Proportional to the value.
        case linear
        /// Proportional to `log10(value)`; only positive values are drawn.
        case logarithmic
    }

    /// One point, in data units.
    public struct Point: Sendable, Hashable {
        /// Abscissa.
        public var x: Double
        /// Ordinate.
        public var y: Double
        /// Creates a point.
        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// One curve.
    public struct Series: Sendable, Hashable {
        /// The legend entry.
        public var name: String
        /// The points, drawn in order.
        public var points: [Point]
        /// Draw the line dashed (e.g. a theoretical reference curve) and without markers.
        public var dashed: Bool
        /// Creates a series.
        public init(name: String, points: [Point], dashed: Bool = false) {
            self.name = name
            self.points = points
            self.dashed = dashed
        }
    }

    /// The title above the plot.
    public var title: String
    /// The x-axis label (with units).
    public var xLabel: String
    /// The y-axis label (with units).
    public var yLabel: String
    /// The x-axis scale.
    public var xScale: Scale
    /// The y-axis scale.
    public var yScale: Scale
    /// Width of the document, pixels.
    public var width: Double
    /// Height of the document, pixels.
    public var height: Double
    /// The curves; colours cycle through a 10-colour palette in this order.
    public var series: [Series]

    /// Creates an empty plot.
    /// - Precondition: `width ≥ 320` and `height ≥ 200` pixels (room for axes and legend).
    public init(
        title: String, xLabel: String, yLabel: String, xScale: Scale = .linear, yScale: Scale = .linear,
        width: Double = 720, height: Double = 480, series: [Series] = []
    ) {
        precondition(width >= 320 && height >= 200, "plot must be at least 320 × 200 px, got \(width) × \(height)")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.width = width
        self.height = height
        self.series = series
    }

    /// The Tableau-10 palette.
    static let palette = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ]

    /// Renders the plot as an SVG document.
    public func render() -> String {
        let left = 78.0, right = 190.0, top = 40.0, bottom = 56.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let xAxis = Axis(values: series.flatMap { $0.points.map(\.x) }, scale: xScale)
        let yAxis = Axis(values: series.flatMap { $0.points.map(\.y) }, scale: yScale)
        func px(_ x: Double) -> Double { left + xAxis.fraction(x) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - yAxis.fraction(y)) * plotHeight }

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" \
            viewBox="0 0 \(f(width)) \(f(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">

            """
        svg += "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"white\"/>\n"
        svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">"
        svg += "\(escapeXML(title))</text>\n"
        // Grid and ticks.
        svg += "<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">\n"
        for minor in yAxis.minorTicks {
            svg += line(left, py(minor), left + plotWidth, py(minor), extra: " stroke=\"#f0f0f0\"")
        }
        for minor in xAxis.minorTicks {
            svg += line(px(minor), top, px(minor), top + plotHeight, extra: " stroke=\"#f0f0f0\"")
        }
        for tick in yAxis.ticks { svg += line(left, py(tick.value), left + plotWidth, py(tick.value)) }
        for tick in xAxis.ticks { svg += line(px(tick.value), top, px(tick.value), top + plotHeight) }
        svg += "</g>\n<g class=\"axes\" stroke=\"black\" stroke-width=\"1\">\n"
        svg +=
            "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\"/>\n"
        for tick in yAxis.ticks { svg += line(left - 5, py(tick.value), left, py(tick.value)) }
        for tick in xAxis.ticks { svg += line(px(tick.value), top + plotHeight, px(tick.value), top + plotHeight + 5) }
        svg += "</g>\n<g class=\"tick-labels\">\n"
        for tick in yAxis.ticks {
            svg +=
                "<text x=\"\(f(left - 8))\" y=\"\(f(py(tick.value) + 4))\" text-anchor=\"end\">\(tick.label)</text>\n"
        }
        for tick in xAxis.ticks {
            svg += "<text x=\"\(f(px(tick.value)))\" y=\"\(f(top + plotHeight + 20))\" text-anchor=\"middle\">"
            svg += "\(tick.label)</text>\n"
        }
        svg += "</g>\n"
        svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">"
        svg += "\(escapeXML(xLabel))</text>\n"
        let yMid = top + plotHeight / 2
        svg += "<text x=\"18\" y=\"\(f(yMid))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(f(yMid)))\">"
        svg += "\(escapeXML(yLabel))</text>\n"
        // Curves.
        svg += "<g class=\"series\" fill=\"none\" stroke-width=\"1.8\">\n"
        for (index, curve) in series.enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            let dash = curve.dashed ? " stroke-dasharray=\"6 4\"" : ""
            for segment in drawableSegments(curve.points, xAxis, yAxis) where segment.count >= 2 {
                let coordinates = segment.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                svg += "<polyline points=\"\(coordinates)\" stroke=\"\(colour)\"\(dash)/>\n"
            }
            if !curve.dashed {
                for point in drawableSegments(curve.points, xAxis, yAxis).joined() {
                    svg +=
                        "<circle cx=\"\(f(px(point.x)))\" cy=\"\(f(py(point.y)))\" r=\"3\" fill=\"\(colour)\" stroke=\"none\"/>\n"
                }
            }
        }
        svg += "</g>\n<g class=\"legend\">\n"
        let legendX = left + plotWidth + 14
        for (index, curve) in series.enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            let y = top + 10 + Double(index) * 20
            let dash = curve.dashed ? " stroke-dasharray=\"6 4\"" : ""
            svg += line(legendX, y, legendX + 26, y, extra: " stroke=\"\(colour)\" stroke-width=\"1.8\"\(dash)")
            svg += "<text x=\"\(f(legendX + 32))\" y=\"\(f(y + 4))\">\(escapeXML(curve.name))</text>\n"
        }
        svg += "</g>\n</svg>\n"
        return svg
    }

    /// Splits a series into runs of drawable points (finite, positive on log axes, inside range).
    private func drawableSegments(_ points: [Point], _ xAxis: Axis, _ yAxis: Axis) -> [[Point]] {
        var segments: [[Point]] = [[]]
        for point in points {
            if xAxis.canDraw(point.x) && yAxis.canDraw(point.y) {
                segments[segments.count - 1].append(point)
            } else if !segments[segments.count - 1].isEmpty {
                segments.append([])
            }
        }
        return segments.filter { !$0.isEmpty }
    }

    private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, extra: String = "") -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\"\(extra)/>\n"
    }
}

/// One axis: its range and ticks.
struct Axis {
    struct Tick {
        var value: Double
        var label: String
    }

    let scale: SVGPlot.Scale
    /// The range in axis units (log10 of the value for a logarithmic axis).
    let low: Double
    let high: Double
    let ticks: [Tick]
    let minorTicks: [Double]

    init(values: [Double], scale: SVGPlot.Scale) {
        self.scale = scale
        let usable = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        switch scale {
        case .logarithmic:
            let exponents = usable.map { Double.log10($0) }
            var lowDecade = (exponents.min() ?? -6).rounded(.down)
            var highDecade = (exponents.max() ?? 0).rounded(.up)
            if lowDecade == highDecade {
                lowDecade -= 1
                highDecade += 1
            }
            low = lowDecade
            high = highDecade
            // Label every decade, or every other one when there are many.
            let stride = high - low > 10 ? 2 : 1
            ticks = Swift.stride(from: Int(lowDecade), through: Int(highDecade), by: 1)
                .filter { ($0 - Int(lowDecade)) % stride == 0 }
                .map { Tick(value: Double.exp10(Double($0)), label: Axis.decadeLabel($0)) }
            minorTicks = Swift.stride(from: Int(lowDecade), to: Int(highDecade), by: 1).flatMap { k in
                (2...9).map { Double($0) * Double.exp10(Double(k)) }
            }
        case .linear:
            var lowValue = usable.min() ?? 0
            var highValue = usable.max() ?? 1
            if lowValue == highValue {
                lowValue -= 1
                highValue += 1
            }
            let step = Axis.niceStep((highValue - lowValue) / 6)
            let first = (lowValue / step).rounded(.down)
            let last = (highValue / step).rounded(.up)
            low = first * step
            high = last * step
            let decimals = Swift.max(0, Int(-Double.log10(step).rounded(.down)))
            ticks = Swift.stride(from: first, through: last + 0.5, by: 1).map {
                Tick(value: $0 * step, label: formatFixed($0 * step, decimals: decimals))
            }
            minorTicks = []
        }
    }

    /// Whether `value` can be placed on this axis.
    func canDraw(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        if scale == .logarithmic { return value > 0 }
        return true
    }

    /// Position of `value` along the axis, 0 at `low` and 1 at `high`.
    func fraction(_ value: Double) -> Double {
        let v = scale == .logarithmic ? Double.log10(value) : value
        return (v - low) / (high - low)
    }

    /// The smallest 1, 2 or 5 × 10^k that is ≥ `rough`.
    static func niceStep(_ rough: Double) -> Double {
        let magnitude = Double.exp10(Double.log10(rough).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= rough * (1 - 1e-12) { return factor * magnitude }
        return 10 * magnitude
    }

    /// `10^k` with a superscript exponent (`10<tspan …>−3</tspan>`).
    static func decadeLabel(_ exponent: Int) -> String {
        if exponent == 0 { return "1" }
        if exponent == 1 { return "10" }
        let sign = exponent < 0 ? "\u{2212}" : ""
        return "10<tspan dy=\"-6\" font-size=\"9\">\(sign)\(abs(exponent))</tspan>"
    }
}

/// `value` with exactly `decimals` digits after the point (no exponent notation), e.g.
/// `formatFixed(2.5, decimals: 2) == "2.50"`, `formatFixed(-0.004, decimals: 2) == "0.00"`.
func formatFixed(_ value: Double, decimals: Int) -> String {
    let scale = Double.exp10(Double(decimals))
    let scaled = (value * scale).rounded()
    guard scaled.isFinite, abs(scaled) < 9e15 else { return "\(value)" }
    let integer = Int(scaled)
    let negative = integer < 0
    let digits = String(abs(integer))
    guard decimals > 0 else { return (negative ? "-" : "") + digits }
    let padded = String(repeating: "0", count: Swift.max(0, decimals + 1 - digits.count)) + digits
    let split = padded.index(padded.endIndex, offsetBy: -decimals)
    return (negative ? "-" : "") + padded[..<split] + "." + padded[split...]
}

/// A pixel coordinate with two decimals.
private func f(_ value: Double) -> String { formatFixed(value, decimals: 2) }

/// Escapes `&`, `<`, `>`, `"` and `'` for XML text and attribute values.
func escapeXML(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default: out.append(character)
        }
    }
    return out
}
