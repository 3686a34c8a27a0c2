/// A rows × columns block interleaver: each block is written row by row and read column by
/// column, so that a burst of up to `rows` consecutive channel errors lands on bits that were
/// `columns` apart before interleaving (Forney, "Burst-correcting codes for the classic bursty
/// channel", IEEE Trans. Commun. Technol. 19(5), 1971; Proakis, *Digital Communications*, §7.12).
///
/// A sequence is cut into blocks of `rows · columns` elements, each permuted on its own. A
/// shorter final block is interleaved *pruned*: it is written row by row into the first cells
/// of the array and read column by column skipping the empty cells, so any length works and
/// ``deinterleave(_:)`` inverts ``interleave(_:)`` exactly.
///
/// Element `r · columns + c` of a full block goes to output position `c · rows + r`.
///
/// ```swift
/// let interleaver = BlockInterleaver(rows: 2, columns: 3)
/// interleaver.interleave([0, 1, 2, 3, 4, 5] as [UInt8])   // [0, 3, 1, 4, 2, 5]
/// ```
public struct BlockInterleaver: Sendable, Hashable {
    /// Rows of the interleaving array (the burst length that gets spread).
    public let rows: Int
    /// Columns of the interleaving array (the spreading distance).
    public let columns: Int

    /// Elements per full block, `rows · columns`.
    public var blockLength: Int { rows * columns }

    /// A `rows × columns` block interleaver.
    /// - Precondition: `rows ≥ 1` and `columns ≥ 1`.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 1 && columns >= 1, "interleaver needs rows ≥ 1 and columns ≥ 1, got \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
    }

    /// Interleaves any sequence (bits, LLRs, symbols): block by block, write rows, read columns.
    /// - Parameter input: `[n]` elements, any `n ≥ 0`.
    /// - Returns: `[n]` elements in interleaved order.
    public func interleave<Element>(_ input: [Element]) -> [Element] {
        permute(input, inverse: false)
    }

    /// Inverts ``interleave(_:)`` (for bits as well as LLRs).
    /// - Parameter input: `[n]` interleaved elements.
    /// - Returns: `[n]` elements in the original order.
    public func deinterleave<Element>(_ input: [Element]) -> [Element] {
        permute(input, inverse: true)
    }

    private func permute<Element>(_ input: [Element], inverse: Bool) -> [Element] {
        guard !input.isEmpty else { return input }
        var out = input
        var blockStart = 0
        while blockStart < input.count {
            let length = min(blockLength, input.count - blockStart)
            var outputPosition = 0
            for c in 0..<columns {
                for r in 0..<rows {
                    let inputPosition = r * columns + c
                    guard inputPosition < length else { continue }
                    if inverse {
                        out[blockStart + inputPosition] = input[blockStart + outputPosition]
                    } else {
                        out[blockStart + outputPosition] = input[blockStart + inputPosition]
                    }
                    outputPosition += 1
                }
            }
            blockStart += length
        }
        return out
    }
}
