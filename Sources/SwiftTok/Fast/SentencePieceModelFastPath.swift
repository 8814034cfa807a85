/// The ids-only fast path of SentencePiece `.model` files (Unigram and BPE).
///
/// spm normalizes and segments the whole text at once. This path cuts the raw text before an
/// ASCII space that has printable ASCII bytes (0x21...0x7E) on both sides, and encodes each stretch
/// between cuts alone, through a per-thread cache keyed by the stretch's raw bytes. That gives
/// spm's ids when the model has these properties, checked at load (`FastCuts`; a model that
/// breaks one takes `referenceEncodeIds` for every call):
///
/// - Normalization. No charsmap key and no user-defined symbol has a space after its first byte,
///   so no normalizer step runs across a cut (a step that covers the byte before the space ends
///   there). Every key that ends with a printable ASCII byte is replaced by text that has a byte
///   other than a space, does not end with a space and does not end with `▁`; a printable byte
///   without a key (or ending a user-defined symbol) is copied. So the normalized text before the
///   cut ends with a byte that is not a space: `remove_extra_whitespaces` neither collapses nor
///   trims across the cut, and a stretch after the first is normalized with no leading removal,
///   no dummy prefix and not after a space (`Normalizer.normalize(continuation:)`). Every key
///   that starts with a space is replaced by text that starts with a space, so the normalized
///   stretch starts with `▁` (escape_whitespaces is required). Replacements are valid UTF-8, so
///   the models' character steps stay on the characters of the stretches.
/// - Segmentation. `▁` occurs in pieces only as a leading run (`▁the`, `▁▁`), so no piece runs
///   across a `▁` that follows a character other than `▁`: the lattice (Unigram) or the merges
///   (BPE) of the whole text never cross a cut. BPE models with UNUSED pieces are excluded (spm
///   splits those back with a map shared by the whole text). treat_whitespace_as_suffix is
///   excluded.
/// - Ids. Runs of unknown pieces merge across cuts (without byte fallback): each cached stretch
///   says whether it starts and ends with an unknown piece, and the driver drops the merged id.
/// - Unigram scores. spm's Viterbi adds float scores to the score reaching each position, so a
///   stretch's best path may depend (by rounding) on the score reaching its cut, and spm rebases
///   scores past ±100,000. A stretch is therefore always encoded with the score that reaches it
///   (`Unigram.encode(seed:)`, the reference Viterbi with a starting score), and a cached result is
///   used only when provably the same: every decision on its path won by a margin larger than
///   twice the rounding error both runs can have (see `StretchEntry.fits`), and no rebase can
///   happen inside the stretch. The score after the stretch is then the float sum of its path's
///   scores from the score before it, as spm computes it.
///
/// `referenceEncodeIds` stays the reference implementation; the tests compare the two.
extension SentencePiece {
    /// Load-time facts that allow the cuts (nil from `init` when the model breaks an assumption).
    struct FastCuts: Sendable {
        let isUnigram: Bool
        /// The largest magnitude of a score a Unigram candidate adds (pieces, unknown, user-defined).
        let maxAbsScore: Float

        init?(proto: SentencePieceModelProto, normalizer: Normalizer, algorithm: Algorithm) {
            guard !proto.trainerSpec.treatWhitespaceAsSuffix, normalizer.escapeWhitespaces else { return nil }
            let pieces = proto.pieces
            // NaN compares false both ways (it would win or lose a Viterbi decision whatever the
            // margins say) and an infinite score makes every rounding bound infinite.
            guard pieces.allSatisfy({ $0.score.isFinite }) else { return nil }
            switch algorithm {
            case .unigram(let u):
                isUnigram = true
                var m = Swift.max(abs(u.minScore - 10), abs(u.maxScore))
                for p in pieces where p.type == .normal || p.type == .unused { m = Swift.max(m, abs(p.score)) }
                // A user-defined candidate's score grows with its length (longest key of the trie).
                m = Swift.max(m, abs(Unigram.userDefinedScore(length: u.trie.maxKeyLength)))
                guard m.isFinite else { return nil }
                maxAbsScore = m
            case .bpe:
                guard !pieces.contains(where: { $0.type == .unused }) else { return nil }
                isUnigram = false
                maxAbsScore = 0
            case .word, .char:
                return nil
            }
            // Pieces of the model's vocabulary: `▁` only as a leading run.
            for p in pieces where p.type == .normal || p.type == .userDefined || p.type == .unused {
                if !FastCuts.spaceOnlyLeading(Array(p.piece.utf8)) { return nil }
                // User-defined symbols are matched on the raw text by the normalizer too.
                if p.type == .userDefined && Array(p.piece.utf8).dropFirst().contains(0x20) { return nil }
            }
            if let map = normalizer.charsMap, !FastCuts.charsMapAllowsCuts(map) { return nil }
        }

        /// True when every `▁` of `piece` belongs to the run it starts with.
        static func spaceOnlyLeading(_ piece: [UInt8]) -> Bool {
            var i = 0
            while i + 2 < piece.count && piece[i] == 0xE2 && piece[i + 1] == 0x96 && piece[i + 2] == 0x81 { i += 3 }
            while i + 2 < piece.count {
                if piece[i] == 0xE2 && piece[i + 1] == 0x96 && piece[i + 2] == 0x81 { return false }
                i += 1
            }
            return true
        }

        /// The charsmap conditions of the cuts (see the file's comment), by a walk over every
        /// edge of its trie (a DAG: darts-clone shares subtrees, so each node is visited once).
        static func charsMapAllowsCuts(_ map: CharsMap) -> Bool {
            let units = map.units
            let root = map.root
            guard root < units.count else { return true }
            func replacement(_ unit: Int, _ next: Int) -> ArraySlice<UInt8>? {
                guard CharsMap.hasLeaf(units[unit]) else { return nil }
                return map.normalized[map.replacement(at: CharsMap.value(units[next]))]
            }
            /// Calls `edge(from, label, childUnit, next)` for every edge reachable from `start`
            /// (NUL edges too); false when one leads outside the array.
            func walk(_ start: Int, _ edge: (Int, Int, Int, Int) -> Bool) -> Bool {
                map.forEachEdge(from: start) { from, c, child, next in next < units.count && edge(from, c, child, next) }
            }
            let everyEdge = walk(root) { from, c, child, next in
                // No key has a space after its first byte.
                if c == 0x20 && from != root { return false }
                guard let r = replacement(child, next) else { return true }
                let valid = r.withUnsafeBufferPointer { UTF8Text.firstInvalid($0) == nil }
                if !valid { return false }
                if (0x21...0x7E).contains(c) {
                    // A key ending with a printable byte: not nothing, not only spaces, no space or `▁` at the end.
                    guard let last = r.last, last != 0x20, r.contains(where: { $0 != 0x20 }) else { return false }
                    if r.count >= 3 && Array(r.suffix(3)) == Normalizer.space { return false }
                }
                return true
            }
            if !everyEdge { return false }
            // Keys that start with a space: replaced by text that starts with a space.
            let child = root ^ 0x20
            guard child < units.count, CharsMap.label(units[child]) == 0x20 else { return true }
            let next = child ^ CharsMap.offset(units[child])
            guard next < units.count else { return false }
            if let r = replacement(child, next), r.first != 0x20 { return false }
            return walk(next) { _, _, child, next in
                guard let r = replacement(child, next) else { return true }
                return r.first == 0x20
            }
        }
    }

    /// Per-thread buffers of the fast path (inside `SentencePiece.Scratch`).
    struct StretchScratch {
        /// Raw stretch bytes → `StretchEntry` words; made on first use.
        var cache: Models.BPE.Cache? = nil
        var entry: [UInt32] = []
        var nodes: [Unigram.Node] = []
        /// Short stretches in front of `cache`, sized to stay in L2 (the large cache's lookups
        /// miss the CPU caches); made on first use.
        var hot: HotStretchCache? = nil
        /// Longest stretch cached, in bytes.
        static let maxCachedLength = 64
    }

    /// A cached stretch, stored as UInt32 words: the header, the ids, then (Unigram) the path's scores.
    enum StretchEntry {
        static let header = 8
        // Header words.
        static let idCount = 0, flags = 1, segmentCount = 2, characters = 3, margin = 4, maxAbsValue = 5, error = 6
        // Flags.
        static let firstUnknown = UnknownEnds.first.rawValue, lastUnknown = UnknownEnds.last.rawValue, robust: UInt32 = 4

        /// An upper bound of the rounding error of one float addition whose result is at most `m` in magnitude.
        @inline(__always)
        static func roundingBound(_ m: Float) -> Float { (m * 1.001 + 1).ulp }

        /// Whether a Unigram entry made with error bound `h1` gives the same path when the score
        /// reaching the stretch is `v`: each candidate's float value is within (characters + 1)·h of
        /// its exact value in either run, so a decision won by more than twice that (with room to
        /// spare) is the same; and no value inside the stretch reaches the rebase bound.
        @inline(__always)
        static func fits(_ e: UnsafeBufferPointer<UInt32>, v: Float, maxAbsScore: Float) -> Bool {
            fits(flags: e[flags], characters: e[characters], maxAbsValue: Float(bitPattern: e[maxAbsValue]),
                 error: Float(bitPattern: e[error]), margin: Float(bitPattern: e[margin]), v: v, maxAbsScore: maxAbsScore)
        }

        @inline(__always)
        static func fits(flags: UInt32, characters: UInt32, maxAbsValue: Float, error: Float, margin: Float,
                         v: Float, maxAbsScore: Float) -> Bool {
            guard flags & robust != 0 else { return false }
            let d = Float(characters + 2)
            let m2 = abs(v) + maxAbsValue + maxAbsScore + 1
            let h = error + roundingBound(m2)
            return margin > 4 * d * h && m2 + d * h + 1 < Unigram.rescaleBound
        }
    }

    /// The fast ids path (see the file's comment): appends the ids of valid UTF-8 `input`.
    func fastEncodeIds(_ input: UnsafeBufferPointer<UInt8>, cuts: FastCuts, into ids: inout [UInt32],
                       scratch s: inout Scratch) throws {
        guard let base = input.baseAddress else { return }
        let n = input.count
        @inline(__always) func isGraphic(_ b: UInt8) -> Bool { b &- 0x21 < 0x5E }
        @inline(__always) func nextCut(_ from: Int) -> Int {
            var i = from
            while i + 1 < n {
                if base[i] == 0x20 && isGraphic(base[i - 1]) && isGraphic(base[i + 1]) { return i }
                i += 1
            }
            return n
        }
        let firstCut = nextCut(1)
        if firstCut == n { return try referenceEncodeIds(input, into: &ids, scratch: &s) }
        // The first stretch: normalized as a text start; the score reaching the cut after it.
        var v: Float = 0
        var prevUnknown = false
        let flags = try encodeStretch(UnsafeBufferPointer(start: base, count: firstCut), continuation: false,
                                      v: &v, into: &ids, scratch: &s, record: nil)
        prevUnknown = flags & StretchEntry.lastUnknown != 0
        if s.fast.cache == nil { s.fast.cache = Models.BPE.Cache(capacity: 1 << 10, maxCapacity: 1 << 19) }
        var start = firstCut
        while start < n {
            let end = nextCut(start + 1)
            let stretch = UnsafeBufferPointer(start: base + start, count: end - start)
            start = end
            // spm rebases at a position whose score is out of bounds: here, the cut.
            if cuts.isUnigram && (v < -Unigram.rescaleBound || v > Unigram.rescaleBound) { v = 0 }
            let first = ids.count
            var f: UInt32
            var hotKey: HotPieceCache.Key? = nil
            if stretch.count <= HotStretchCache.maxLength {
                let key = HotPieceCache.Key(stretch, readable: n - (end - stretch.count))
                if let hit = s.fast.hot?.use(key, isUnigram: cuts.isUnigram, maxAbsScore: cuts.maxAbsScore, v: &v, into: &ids) {
                    if prevUnknown && hit & StretchEntry.firstUnknown != 0 && !byteFallback { ids.remove(at: first) }
                    prevUnknown = hit & StretchEntry.lastUnknown != 0
                    continue
                }
                hotKey = key
            }
            let cacheable = stretch.count <= StretchScratch.maxCachedLength
            let h = cacheable ? ByteSliceTable.hash(stretch) : 0
            s.fast.entry.removeAll(keepingCapacity: true)
            if cacheable, s.fast.cache?.lookup(stretch, hash: h, into: &s.fast.entry) == true,
               useEntry(cuts: cuts, v: &v, into: &ids, scratch: &s) {
                f = s.fast.entry[StretchEntry.flags]
            } else {
                let record = cacheable && s.fast.entry.isEmpty
                f = try encodeStretch(stretch, continuation: true, v: &v, into: &ids, scratch: &s, record: record ? h : nil)
            }
            if let key = hotKey, !s.fast.entry.isEmpty {
                if s.fast.hot == nil { s.fast.hot = HotStretchCache() }
                s.fast.hot?.store(key, entry: s.fast.entry, isUnigram: cuts.isUnigram)
            }
            if prevUnknown && f & StretchEntry.firstUnknown != 0 && !byteFallback { ids.remove(at: first) }
            prevUnknown = f & StretchEntry.lastUnknown != 0
        }
    }

    /// Appends the ids of the cached entry in `scratch.fast.entry` and advances `v`, or returns
    /// false (nothing appended) when the entry cannot be used with this `v`.
    @inline(__always)
    private func useEntry(cuts: FastCuts, v: inout Float, into ids: inout [UInt32], scratch s: inout Scratch) -> Bool {
        s.fast.entry.withUnsafeBufferPointer { e in
            let idCount = Int(e[StretchEntry.idCount])
            let h = StretchEntry.header
            if cuts.isUnigram {
                guard StretchEntry.fits(e, v: v, maxAbsScore: cuts.maxAbsScore) else { return false }
                var x = v
                for i in 0..<Int(e[StretchEntry.segmentCount]) { x = Float(bitPattern: e[h + idCount + i]) + x }
                v = x
            }
            ids.append(contentsOf: UnsafeBufferPointer(rebasing: e[h..<(h + idCount)]))
            return true
        }
    }

    /// Normalizes and segments one stretch with the score `v` reaching it (updated to the score
    /// after it), appends its ids as if it began the text's unknown runs, and returns its
    /// `StretchEntry` flags. With `record`, the result goes to the cache under that hash.
    private func encodeStretch(_ stretch: UnsafeBufferPointer<UInt8>, continuation: Bool, v: inout Float,
                               into ids: inout [UInt32], scratch s: inout Scratch, record: UInt32?) throws -> UInt32 {
        normalizer.normalize(stretch, into: &s.normalized, normToOrig: &s.normToOrig, offsets: false, continuation: continuation)
        let first = ids.count
        var viterbi = Unigram.Viterbi()
        let flags: UInt32 = try s.normalized.withUnsafeBufferPointer { text in
            s.segments.removeAll(keepingCapacity: true)
            if case .unigram(let u) = algorithm {
                viterbi = u.encode(text, seed: v, nodes: &s.fast.nodes, into: &s.segments)
                v = viterbi.end
            } else {
                segment(text, scratch: &s)
            }
            return try appendIds(of: s.segments, in: text, into: &ids).rawValue
        }
        guard let h = record else { return flags }
        var e = s.fast.entry
        s.fast.entry = []  // `e` uniquely owned: reused, not copied.
        e.removeAll(keepingCapacity: true)
        var all = flags
        var error: Float = 0
        if case .unigram = algorithm {
            error = StretchEntry.roundingBound(abs(viterbi.seed) + viterbi.maxAbsValue + (fastCuts?.maxAbsScore ?? .infinity) + 1)
            if viterbi.robust && error.isFinite { all |= StretchEntry.robust }
        }
        e.append(UInt32(ids.count - first))
        e.append(all)
        e.append(UInt32(s.segments.count))
        e.append(UInt32(viterbi.characters))
        e.append(viterbi.margin.bitPattern)
        e.append(viterbi.maxAbsValue.bitPattern)
        e.append(error.bitPattern)
        e.append(0)
        e.append(contentsOf: ids[first...])
        if case .unigram(let u) = algorithm {
            for (start, end, id) in s.segments { e.append(u.segmentScore(id, length: end - start).bitPattern) }
        }
        if e.count <= Int(UInt16.max) { s.fast.cache?.insert(stretch, hash: h, ids: e[...]) }
        s.fast.entry = e
        return flags
    }
}

extension SentencePiece {
    /// A direct-mapped cache of short stretches (1...16 bytes, at most 3 ids and 3 path segments)
    /// holding a whole `StretchEntry` inline: one load of 64 bytes instead of the large cache's
    /// slot, key and value arrays.
    struct HotStretchCache {
        struct Entry {
            var id0: UInt32 = 0, id1: UInt32 = 0, id2: UInt32 = 0
            var score0: Float = 0, score1: Float = 0, score2: Float = 0
            var margin: Float = 0
            var maxAbsValue: Float = 0
            var error: Float = 0
            var flags: UInt32 = 0
            /// Ids, path segments, characters.
            var idCount: UInt8 = 0
            var segmentCount: UInt8 = 0
            var characters: UInt8 = 0
        }

        static let maxLength = 16
        private var slots = HotSlots(log2Size: 13, empty: Entry())

        /// Appends the ids of `key`'s stretch and advances `v` (Unigram), returning the entry's
        /// flags; nil (nothing appended) when absent or when it does not fit this `v`.
        @inline(__always)
        func use(_ key: HotPieceCache.Key, isUnigram: Bool, maxAbsScore: Float, v: inout Float,
                 into ids: inout [UInt32]) -> UInt32? {
            guard let e = slots.find(key) else { return nil }
            if isUnigram {
                guard StretchEntry.fits(flags: e.flags, characters: UInt32(e.characters), maxAbsValue: e.maxAbsValue,
                                        error: e.error, margin: e.margin, v: v, maxAbsScore: maxAbsScore) else { return nil }
                var x = v
                if e.segmentCount > 0 { x = e.score0 + x }
                if e.segmentCount > 1 { x = e.score1 + x }
                if e.segmentCount > 2 { x = e.score2 + x }
                v = x
            }
            if e.idCount > 0 { ids.append(e.id0) }
            if e.idCount > 1 { ids.append(e.id1) }
            if e.idCount > 2 { ids.append(e.id2) }
            return e.flags
        }

        /// Stores a `StretchEntry` (header words, ids, then Unigram's path scores) when it is small enough.
        mutating func store(_ key: HotPieceCache.Key, entry w: [UInt32], isUnigram: Bool) {
            let h = StretchEntry.header
            let idCount = Int(w[StretchEntry.idCount])
            // BPE entries carry no path scores (and are used without them).
            let segments = isUnigram ? Int(w[StretchEntry.segmentCount]) : 0
            guard idCount <= 3, segments <= 3, w.count == h + idCount + segments, w[StretchEntry.characters] <= 255 else { return }
            var e = Entry()
            if idCount > 0 { e.id0 = w[h] }
            if idCount > 1 { e.id1 = w[h + 1] }
            if idCount > 2 { e.id2 = w[h + 2] }
            let s = h + idCount
            if segments > 0 { e.score0 = Float(bitPattern: w[s]) }
            if segments > 1 { e.score1 = Float(bitPattern: w[s + 1]) }
            if segments > 2 { e.score2 = Float(bitPattern: w[s + 2]) }
            e.margin = Float(bitPattern: w[StretchEntry.margin])
            e.maxAbsValue = Float(bitPattern: w[StretchEntry.maxAbsValue])
            e.error = Float(bitPattern: w[StretchEntry.error])
            e.flags = w[StretchEntry.flags]
            e.idCount = UInt8(idCount)
            e.segmentCount = UInt8(segments)
            e.characters = UInt8(w[StretchEntry.characters])
            slots.store(key, e)
        }
    }
}
