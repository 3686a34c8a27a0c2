// The tabular codec's valid-input box in the fields' own units, for attacks and adversarial training.

import KnowledgeBase
import SemanticCodec

extension TabularCodec {
    /// The encoder-input box of this codec in the fields' physical units (SemanticCodec's
    /// `InputDomain`): each numeric column's scale is its normalizer's (a standard deviation or a
    /// range, in the field's unit), its bounds are the schema's valid range mapped through the
    /// normalizer (unbounded when the schema gives none); one-hot category and missing-indicator
    /// columns are not attackable.
    public var inputDomain: InputDomain {
        Self.inputDomain(preprocessor: preprocessor, schema: schema)
    }

    /// ``inputDomain`` for a preprocessor and schema (used while a knowledge base is built).
    public static func inputDomain(preprocessor: TabularPreprocessor, schema: TableSchema) -> InputDomain {
        let width = preprocessor.width
        var scale = [Float](repeating: 1, count: width)
        var lower = [Float](repeating: -.greatestFiniteMagnitude, count: width)
        var upper = [Float](repeating: .greatestFiniteMagnitude, count: width)
        var attackable = [Bool](repeating: false, count: width)
        let ranges = Dictionary(schema.featureColumns.map { ($0.name, $0.range) }, uniquingKeysWith: { a, _ in a })
        var units: Set<String> = []
        for column in schema.featureColumns { if let unit = column.unit { units.insert(unit) } }
        for field in preprocessor.fields {
            guard field.kind == .numeric, let normalizer = field.normalizer else {
                for c in field.valueColumns {
                    lower[c] = 0
                    upper[c] = 1
                }
                if let c = field.indicatorColumn {
                    lower[c] = 0
                    upper[c] = 1
                }
                continue
            }
            let c = field.firstColumn
            let unitScale = normalizer.denormalize(1) - normalizer.denormalize(0)
            scale[c] = Float(unitScale > 0 && unitScale.isFinite ? unitScale : 1)
            attackable[c] = true
            if let range = ranges[field.name] ?? nil {
                lower[c] = Float(normalizer.normalize(range.minimum))
                upper[c] = Float(normalizer.normalize(range.maximum))
            }
            if let indicator = field.indicatorColumn {
                lower[indicator] = 0
                upper[indicator] = 1
            }
        }
        return InputDomain(
            scale: scale, lower: lower, upper: upper, isAttackable: attackable,
            unit: units.count == 1 ? units.first.map { "\($0)" } ?? "field units" : "field units")
    }
}
