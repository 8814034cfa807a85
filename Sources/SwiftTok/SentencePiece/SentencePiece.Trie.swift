extension SentencePiece {
    /// A byte trie over piece strings with an id per key: the root's children in a 256-entry
    /// table, other nodes' children in sorted edge lists (pieces are short, fan-out is small).
    struct Trie: Sendable {
        /// Per node: value (id, or -1), first edge, edge count.
        private var values: [Int32] = [-1]
        private var edgeStart: [Int32] = [0]
        private var edgeCount: [Int32] = [0]
        private var edgeBytes: [UInt8] = []
        private var edgeTargets: [Int32] = []
        /// Child of the root for each first byte (0 = none).
        private var root = [Int32](repeating: 0, count: 256)
        /// The longest key, in bytes.
        private(set) var maxKeyLength = 0
        private(set) var isEmpty = true

        /// Builds the trie; a repeated key keeps the first id.
        init(_ keys: [([UInt8], Int32)]) {
            // Build with per-node child dictionaries, then flatten breadth-first.
            var children: [[UInt8: Int]] = [[:]]
            var vals: [Int32] = [-1]
            for (key, id) in keys where !key.isEmpty {
                var node = 0
                for b in key {
                    if let next = children[node][b] { node = next; continue }
                    children.append([:])
                    vals.append(-1)
                    children[node][b] = children.count - 1
                    node = children.count - 1
                }
                if vals[node] < 0 { vals[node] = id }
                maxKeyLength = Swift.max(maxKeyLength, key.count)
                isEmpty = false
            }
            var order = [0]
            var newIndex = [Int](repeating: -1, count: children.count)
            newIndex[0] = 0
            var i = 0
            while i < order.count {
                for (_, c) in children[order[i]].sorted(by: { $0.key < $1.key }) {
                    newIndex[c] = order.count
                    order.append(c)
                }
                i += 1
            }
            values = order.map { vals[$0] }
            edgeStart = [Int32](repeating: 0, count: order.count)
            edgeCount = [Int32](repeating: 0, count: order.count)
            for (n, old) in order.enumerated() {
                let kids = children[old].sorted(by: { $0.key < $1.key })
                edgeStart[n] = Int32(edgeBytes.count)
                edgeCount[n] = Int32(kids.count)
                for (b, c) in kids {
                    edgeBytes.append(b)
                    edgeTargets.append(Int32(newIndex[c]))
                    if n == 0 { root[Int(b)] = Int32(newIndex[c]) }
                }
            }
        }

        /// The child of `node` by byte `b`, or 0 when there is none.
        /// Long edge lists (the node of "▁" has one edge per word-initial byte, ~100) are narrowed
        /// by binary search first; the scan of the last few edges is `childLinear`'s.
        @inline(__always)
        func child(_ node: Int32, _ b: UInt8) -> Int32 {
            if node == 0 { return root[Int(b)] }
            var lo = Int(edgeStart[Int(node)])
            var hi = lo + Int(edgeCount[Int(node)])
            // Invariant: an edge labelled b, if any, is in lo..<hi (edges are sorted by byte).
            while hi - lo > 8 {
                let mid = (lo + hi) >> 1
                if edgeBytes[mid] <= b { lo = mid } else { hi = mid }
            }
            var i = lo
            while i < hi {
                let e = edgeBytes[i]
                if e == b { return edgeTargets[i] }
                if e > b { return 0 }
                i += 1
            }
            return 0
        }

        /// The reference for `child`: a linear scan of the node's sorted edge list.
        func childLinear(_ node: Int32, _ b: UInt8) -> Int32 {
            if node == 0 { return root[Int(b)] }
            let s = Int(edgeStart[Int(node)])
            let n = Int(edgeCount[Int(node)])
            var i = s
            while i < s + n {
                let e = edgeBytes[i]
                if e == b { return edgeTargets[i] }
                if e > b { return 0 }
                i += 1
            }
            return 0
        }

        @inline(__always)
        func value(_ node: Int32) -> Int32 { values[Int(node)] }

        /// Calls `body(length, id)` for every key that is a prefix of `text[from...]`, shortest first.
        @inline(__always)
        func forEachPrefix(_ text: UnsafeBufferPointer<UInt8>, from: Int, _ body: (Int, Int32) -> Void) {
            var node: Int32 = 0
            var i = from
            while i < text.count {
                node = child(node, text[i])
                if node == 0 { return }
                i += 1
                let v = values[Int(node)]
                if v >= 0 { body(i - from, v) }
            }
        }

        /// The length of the longest key that is a prefix of `text[from...]` (0 if none).
        func longestPrefix(_ text: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
            var best = 0
            forEachPrefix(text, from: from) { len, _ in best = len }
            return best
        }

        /// The id of exactly `key`.
        func id(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
            var node: Int32 = 0
            for b in key {
                node = child(node, b)
                if node == 0 { return nil }
            }
            let v = values[Int(node)]
            return v >= 0 && !key.isEmpty ? v : nil
        }
    }
}
