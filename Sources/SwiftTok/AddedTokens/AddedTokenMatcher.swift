/// Finds byte patterns in text with the semantics of the `aho-corasick` crate's
/// `MatchKind::LeftmostLongest` `find_iter`: among matches, the one starting first wins, then the
/// longest; the search resumes at its end (no overlaps).
///
/// It is an Aho–Corasick automaton over the *reversed* patterns, run once backwards over the text:
/// at each position it yields the longest pattern starting there, so the leftmost-longest choice
/// is a forward walk over those candidates. Both passes are linear in the text (failure links are
/// amortized), whatever the number of patterns — unlike a regex alternation, whose cost grows with
/// it. Built once, immutable.
struct AddedTokenMatcher: Sendable {
    /// One match: a byte range of the text and the index of the pattern (as given to `init`).
    struct Match: Equatable, Sendable {
        var start: Int
        var end: Int
        var pattern: Int
    }

    /// For each byte, the root's child (0: stay at the root). Dense, because most bytes of most
    /// texts start nothing and must be skipped fast.
    private let rootNext: [UInt32]
    /// Edges of the other states: state `s` owns `edgeBytes[edgeStart[s]..<edgeStart[s + 1]]`
    /// (sorted) and the matching `edgeTargets`.
    private let edgeStart: [UInt32]
    private let edgeBytes: [UInt8]
    private let edgeTargets: [UInt32]
    /// Aho–Corasick failure link of each state.
    private let fail: [UInt32]
    /// The longest pattern that is a suffix of each state's (reversed) string, or -1: in text
    /// order, the longest pattern starting where the backward scan stands.
    private let output: [Int32]
    /// Byte length of each pattern.
    let patternLengths: [Int]

    /// The first empty pattern, if any: it matches (with length 0) wherever no other pattern starts.
    let emptyPattern: Int?

    /// True when there is nothing to find.
    var isEmpty: Bool { output.count <= 1 && emptyPattern == nil }

    /// The bytes some pattern starts with: text with none of them has no match, which a tight
    /// loop proves much faster than running the automaton (most texts contain no added token).
    private let startBytes: [Bool]
    /// The one byte every pattern starts with, when there is one (`<` for `<|endoftext|>` and the
    /// other specials of the tiktoken vocabularies): `mayMatch` is then a memchr (measured: 4.8% of
    /// a short-sentence cl100k encode_ids as the byte loop).
    private let onlyStartByte: UInt8?

    /// True when `text` may contain a match.
    @inline(__always)
    func mayMatch(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        if emptyPattern != nil { return true }
        if let b = onlyStartByte {
            guard let base = text.baseAddress else { return false }
            return memchr(base, Int32(b), text.count) != nil
        }
        return startBytes.withUnsafeBufferPointer { set in
            for b in text where set[Int(b)] { return true }
            return false
        }
    }

    /// Builds the automaton; the first of equal patterns is the one reported.
    init(patterns: [[UInt8]]) {
        emptyPattern = patterns.firstIndex { $0.isEmpty }
        var starts = [Bool](repeating: false, count: 256)
        for p in patterns { if let b = p.first { starts[Int(b)] = true } }
        startBytes = starts
        let startSet = (0..<256).filter { starts[$0] }
        onlyStartByte = startSet.count == 1 ? UInt8(startSet[0]) : nil
        // Build the trie of reversed patterns with simple per-state edge lists.
        var children: [[(UInt8, UInt32)]] = [[]]
        var terminal: [Int32] = [-1]
        var depth: [Int] = [0]
        for (index, pattern) in patterns.enumerated() where !pattern.isEmpty {
            var state = 0
            for b in pattern.reversed() {
                if let t = children[state].first(where: { $0.0 == b })?.1 {
                    state = Int(t)
                } else {
                    let t = UInt32(children.count)
                    children.append([])
                    terminal.append(-1)
                    depth.append(depth[state] + 1)
                    children[state].append((b, t))
                    state = Int(t)
                }
            }
            // The first of equal patterns wins, as in the crate.
            if terminal[state] < 0 { terminal[state] = Int32(index) }
        }
        let count = children.count
        for s in 0..<count { children[s].sort { $0.0 < $1.0 } }

        var rootNext = [UInt32](repeating: 0, count: 256)
        for (b, t) in children[0] { rootNext[Int(b)] = t }

        func child(_ s: Int, _ b: UInt8) -> UInt32? {
            if s == 0 { let t = rootNext[Int(b)]; return t == 0 ? nil : t }
            return children[s].first(where: { $0.0 == b })?.1
        }

        // Failure links and outputs in breadth-first order, so a state's failure target (which is
        // shallower) is complete before the state itself.
        var fail = [UInt32](repeating: 0, count: count)
        var output = [Int32](repeating: -1, count: count)
        var queue: [Int] = children[0].map { Int($0.1) }
        for s in queue { output[s] = terminal[s] }
        var head = 0
        while head < queue.count {
            let s = queue[head]
            head += 1
            for (b, t) in children[s] {
                var f = Int(fail[s])
                var target: UInt32 = 0
                while true {
                    if let n = child(f, b) { target = n; break }
                    if f == 0 { break }
                    f = Int(fail[f])
                }
                fail[Int(t)] = target
                output[Int(t)] = terminal[Int(t)] >= 0 ? terminal[Int(t)] : output[Int(target)]
                queue.append(Int(t))
            }
        }

        var edgeStart: [UInt32] = []
        edgeStart.reserveCapacity(count + 1)
        var edgeBytes: [UInt8] = []
        var edgeTargets: [UInt32] = []
        for s in 0..<count {
            edgeStart.append(UInt32(edgeBytes.count))
            for (b, t) in children[s] {
                edgeBytes.append(b)
                edgeTargets.append(t)
            }
        }
        edgeStart.append(UInt32(edgeBytes.count))

        self.rootNext = rootNext
        self.edgeStart = edgeStart
        self.edgeBytes = edgeBytes
        self.edgeTargets = edgeTargets
        self.fail = fail
        self.output = output
        self.patternLengths = patterns.map(\.count)
    }

    /// The leftmost-longest, non-overlapping matches in `text`, in order.
    func matches(in text: UnsafeBufferPointer<UInt8>) -> [Match] {
        var steps = 0
        return matches(in: text, steps: &steps)
    }

    /// `matches(in:)`, also counting automaton transitions (each byte step plus each failure link
    /// followed) into `steps`, so tests can check the cost stays linear.
    func matches(in text: UnsafeBufferPointer<UInt8>, steps: inout Int) -> [Match] {
        if isEmpty || !mayMatch(text) { return [] }
        // Backward pass: every position where some pattern starts, with the longest such pattern,
        // in decreasing position order.
        var candidates: [(start: Int, pattern: Int32)] = []
        var transitions = 0
        rootNext.withUnsafeBufferPointer { rootNext in
        edgeStart.withUnsafeBufferPointer { edgeStart in
        edgeBytes.withUnsafeBufferPointer { edgeBytes in
        edgeTargets.withUnsafeBufferPointer { edgeTargets in
        fail.withUnsafeBufferPointer { fail in
        output.withUnsafeBufferPointer { output in
            var state = 0
            var i = text.count
            while i > 0 {
                i -= 1
                let b = text[i]
                transitions &+= 1  // Safe: bounded by the text length plus the failure links taken.
                if state == 0 {
                    let t = rootNext[Int(b)]
                    if t == 0 { continue }
                    state = Int(t)
                } else {
                    while true {
                        let lo = Int(edgeStart[state])
                        let hi = Int(edgeStart[state + 1])
                        var found = -1
                        if hi - lo <= 8 {
                            var k = lo
                            while k < hi {
                                let e = edgeBytes[k]
                                if e == b { found = k; break }
                                if e > b { break }
                                k += 1
                            }
                        } else {
                            // Wide states (many tokens sharing a suffix): binary search.
                            var l = lo
                            var h = hi
                            while l < h {
                                let mid = (l + h) >> 1
                                if edgeBytes[mid] < b { l = mid + 1 } else { h = mid }
                            }
                            if l < hi && edgeBytes[l] == b { found = l }
                        }
                        if found >= 0 { state = Int(edgeTargets[found]); break }
                        state = Int(fail[state])
                        transitions &+= 1  // Safe: as above.
                        if state == 0 { state = Int(rootNext[Int(b)]); break }
                    }
                    if state == 0 { continue }
                }
                let o = output[state]
                if o >= 0 { candidates.append((i, o)) }
            }
        }}}}}}
        steps += transitions
        // Forward pass: the leftmost candidate at or after the end of the previous match.
        var result: [Match] = []
        var position = 0
        var k = candidates.count
        if let empty = emptyPattern {
            // An empty match wherever no other match starts, end of text included; the search
            // then moves one character on (the crate moves one byte, and panics off a boundary).
            while position <= text.count {
                while k > 0 && candidates[k - 1].start < position { k -= 1 }
                if k > 0 && candidates[k - 1].start == position {
                    let c = candidates[k - 1]
                    let end = c.start + patternLengths[Int(c.pattern)]
                    result.append(Match(start: c.start, end: end, pattern: Int(c.pattern)))
                    position = end
                    continue
                }
                result.append(Match(start: position, end: position, pattern: empty))
                if position == text.count { break }
                position += UTF8Text.sequenceLength(lead: text[position])
            }
            return result
        }
        while k > 0 {
            k -= 1
            let c = candidates[k]
            if c.start < position { continue }
            let end = c.start + patternLengths[Int(c.pattern)]
            result.append(Match(start: c.start, end: end, pattern: Int(c.pattern)))
            position = end
        }
        return result
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
