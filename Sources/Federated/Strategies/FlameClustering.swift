/// FLAME's filtering step (Nguyen et al., "FLAME: Taming Backdoors in Federated Learning",
/// USENIX Security 2022): HDBSCAN (Campello, Moulavi & Sander 2013) on the pairwise cosine
/// distances of the updates, with minimum cluster size ⌊n/2⌋ + 1 and a single cluster allowed.
///
/// **What HDBSCAN reduces to here.** Distances are turned into mutual-reachability distances
/// `max(core(i), core(j), d(i, j))` (core(i): the distance to i's `minSamples`-th nearest update,
/// itself counted first, as in the `hdbscan` package), and the single-linkage hierarchy is their
/// minimum spanning tree. Because a cluster must hold more than half of the updates, no split of
/// the hierarchy can yield two clusters: the condensed tree is the root cluster shedding points,
/// and with `allow_single_cluster` HDBSCAN labels as members exactly the points that stay until
/// the cluster finally breaks into pieces smaller than ⌊n/2⌋ + 1 — the largest-λ points. Those are
/// the component that first reaches ⌊n/2⌋ + 1 points when MST edges are added in increasing order
/// (ties added together). Everything else is noise: FLAME discards it.
public enum FlameClustering {
    /// The indices of the admitted updates, ascending.
    /// - Parameters:
    ///   - updates: n vectors of the same length.
    ///   - minSamples: HDBSCAN's `min_samples` (FLAME uses 1: mutual reachability = distance).
    /// - Returns: at least ⌊n/2⌋ + 1 indices (all of them when n ≤ 2).
    /// - Complexity: O(n² P) for the distances, O(n²) for the tree.
    public static func admitted(_ updates: [[Double]], minSamples: Int = 1) -> [Int] {
        let n = updates.count
        guard n > 2 else { return Array(0..<n) }
        let distances = cosineDistances(updates)
        let reach = mutualReachability(distances, minSamples: minSamples)
        let edges = minimumSpanningTree(reach).sorted { $0.weight < $1.weight }
        let minimumSize = n / 2 + 1
        var parent = Array(0..<n)
        var size = [Int](repeating: 1, count: n)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        var e = 0
        while e < edges.count {
            let weight = edges[e].weight
            while e < edges.count, edges[e].weight == weight {
                let a = find(edges[e].a)
                let b = find(edges[e].b)
                if a != b {
                    let (big, small) = size[a] >= size[b] ? (a, b) : (b, a)
                    parent[small] = big
                    size[big] += size[small]
                }
                e += 1
            }
            if let root = (0..<n).map(find).first(where: { size[$0] >= minimumSize }) {
                return (0..<n).filter { find($0) == root }
            }
        }
        return Array(0..<n)  // unreachable: the full tree joins all n ≥ minimumSize points
    }

    /// `1 − cos(u_i, u_j)` (a zero vector is at distance 1 from everything).
    static func cosineDistances(_ updates: [[Double]]) -> [[Double]] {
        let n = updates.count
        let norms = updates.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        var d = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for k in (i + 1)..<n {
                var dot = 0.0
                for j in updates[i].indices { dot += updates[i][j] * updates[k][j] }
                let denominator = norms[i] * norms[k]
                let value = denominator > 0 ? 1 - dot / denominator : 1
                d[i][k] = Swift.max(0, value)
                d[k][i] = d[i][k]
            }
        }
        return d
    }

    /// `max(core(i), core(j), d(i, j))` with core(i) the distance to the `minSamples`-th nearest
    /// point, the point itself first.
    static func mutualReachability(_ d: [[Double]], minSamples: Int) -> [[Double]] {
        let n = d.count
        let k = Swift.min(Swift.max(minSamples, 1), n) - 1
        let core = (0..<n).map { d[$0].sorted()[k] }  // d[i][i] = 0 sorts first
        var out = d
        for i in 0..<n {
            for j in 0..<n where i != j { out[i][j] = Swift.max(d[i][j], core[i], core[j]) }
        }
        return out
    }

    /// Prim's minimum spanning tree of a complete graph given by its distance matrix.
    static func minimumSpanningTree(_ d: [[Double]]) -> [(a: Int, b: Int, weight: Double)] {
        let n = d.count
        var inTree = [Bool](repeating: false, count: n)
        var best = [Double](repeating: .infinity, count: n)
        var from = [Int](repeating: 0, count: n)
        var edges: [(a: Int, b: Int, weight: Double)] = []
        best[0] = 0
        for _ in 0..<n {
            var u = -1
            for v in 0..<n where !inTree[v] && (u < 0 || best[v] < best[u]) { u = v }
            inTree[u] = true
            if u != 0 { edges.append((from[u], u, best[u])) }
            for v in 0..<n where !inTree[v] && d[u][v] < best[v] {
                best[v] = d[u][v]
                from[v] = u
            }
        }
        return edges
    }
}
