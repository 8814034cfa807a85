/// The optimized ids-only path for SentencePiece-style Unigram tokenizers (xlnet, albert, t5):
/// normalizers that act per character on ASCII (NF*, StripAccents, Lowercase, Nmt, Precompiled),
/// string `Replace`s, the `" {2,}"` regex `Replace` and a right `Strip`; `Metaspace` (always or
/// never), optionally after `WhitespaceSplit`; a Unigram model.
///
/// The text is cut before a space that has printable ASCII bytes on both sides. With these
/// components every cut is independent: no normalizer match, grapheme, space run or strip spans
/// it, and the pre-tokenizer splits there (the piece after it starts with the replacement). So each
/// stretch between cuts may be encoded alone. Stretches with a non-ASCII byte or a CR go through
/// the general pipeline; runs of ASCII stretches are normalized here by tables made at load by
/// running the tokenizer's own normalizer components on each ASCII byte, pre-tokenized here, and
/// segmented by the model through a per-thread cache of piece → ids. Tested against the general path.
///
/// A class, so the fast path enum copied per call (`Tokenizer.fastIds`) costs one retain.
final class UnigramFastPath: Sendable {
    enum Step: Sendable {
        /// Each ASCII byte → its bytes under one per-character component.
        case table([[UInt8]])
        /// The same when every ASCII byte maps to one byte.
        case byteMap([UInt8])
        /// Non-overlapping matches from the left (`Replace` with a string).
        case replace([UInt8], [UInt8])
        /// Runs of two or more spaces (`Replace` with the regex `" {2,}"`).
        case spaceRuns([UInt8])
        /// Trailing whitespace removed (`Strip` right).
        case stripRight
    }

    let steps: [Step]
    let whitespaceSplit: Bool
    let replacement: [UInt8]
    let prependAlways: Bool
    let split: Bool
    let model: Models.Unigram
    /// The word path (WhitespaceSplit only): each byte's class, `wordByte`, `separator` or
    /// `special`; empty when the word path is off.
    let byteClass: [UInt8]
    /// Whether a word (printable ASCII) must go through the steps before it is split: false when
    /// the only steps are space runs and a right strip, which leave such a word as it is.
    let wordNeedsSteps: Bool
    /// The normalizer, and its components flattened (run on scalars to decide cuts, see `isCut`).
    let normalizer: Normalizer?
    let components: [Normalizer]
    /// Whether cuts may have non-ASCII scalars beside them: the pre-tokenizer splits at spaces
    /// (WhitespaceSplit, or Metaspace with `split`).
    let nonASCIICuts: Bool
    /// For `normalizeStable`: each Precompiled component with the index of the first step after
    /// it (it is checked before that step runs), and whether that path may be taken at all (not
    /// with NFC/NFKC, whose compositions join scalars, nor with a non-ASCII `Replace` pattern).
    let precompiledChecks: [(step: Int, map: CharsMap)]
    let stableAllowed: Bool
    /// For `stepsKeep`: per byte, whether a table step changes it or a `Replace` pattern starts
    /// with it (all bytes >= 0x80 too); whether there is a space-run step, a right strip.
    let stepTouches: [Bool]
    let stepSpaceRuns: Bool
    let stepStripRight: Bool

    static let wordByte: UInt8 = 0
    static let separator: UInt8 = 1
    static let special: UInt8 = 2

    init?(normalizer: Normalizer?, preTokenizer: PreTokenizer?, model: Model) {
        guard case .unigram(let m) = model else { return nil }
        self.model = m
        // Pre-tokenizer: Metaspace, or WhitespaceSplit then Metaspace.
        var meta: PreTokenizers.Metaspace?
        let whitespaceSplit: Bool
        switch preTokenizer {
        case .metaspace(let x)?: meta = x; whitespaceSplit = false
        case .sequence(let items)?:
            guard items.count == 2, case .whitespaceSplit = items[0], case .metaspace(let x) = items[1] else { return nil }
            meta = x
            whitespaceSplit = true
        default: return nil
        }
        self.whitespaceSplit = whitespaceSplit
        guard let meta, meta.prependScheme != .first else { return nil }
        var rep: [UInt8] = []
        UTF8Text.appendScalar(meta.replacement, to: &rep)
        guard !Self.hasWhitespace(rep), meta.replacement != 0x20 else { return nil }
        replacement = rep
        prependAlways = meta.prependScheme == .always
        split = meta.split
        // Normalizers, flattened.
        var flat: [Normalizer] = []
        func flatten(_ n: Normalizer) {
            if case .sequence(let items) = n { items.forEach(flatten) } else { flat.append(n) }
        }
        if let normalizer { flatten(normalizer) }
        var steps: [Step] = []
        var nonASCII = false  // whether earlier steps may have produced non-ASCII bytes
        var precompiledChecks: [(step: Int, map: CharsMap)] = []
        var stableAllowed = true
        for n in flat {
            switch n {
            case .nfc, .nfd, .nfkc, .nfkd, .stripAccents, .lowercase, .nmt, .precompiled:
                guard !nonASCII else { return nil }
                switch n {
                case .nfc, .nfkc: stableAllowed = false
                case .precompiled(let p): precompiledChecks.append((steps.count, p.map))
                default: break
                }
                var table: [[UInt8]] = []
                for b in 0..<128 {
                    var s = NormalizedString([UInt8(b)])
                    guard (try? n.normalize(&s)) != nil else { return nil }
                    let out = s.normalized
                    if (0x21...0x7E).contains(b) && (out.isEmpty || Self.hasWhitespace(out)) { return nil }
                    if b == 0x20 && out != [0x20] { return nil }
                    if out.contains(where: { $0 >= 0x80 }) { nonASCII = true }
                    table.append(out)
                }
                if table.enumerated().allSatisfy({ $0.element == [UInt8($0.offset)] }) { continue }  // identity on ASCII
                if table.allSatisfy({ $0.count == 1 }) {
                    steps.append(.byteMap(table.map { $0[0] }))
                } else {
                    steps.append(.table(table))
                }
            case .replace(let r):
                let content = Array(r.content.utf8)
                // A run of spaces may become one space (it cannot reach across a cut).
                guard !Self.hasWhitespace(content) || (content == [0x20] && r.pattern == .regex(" {2,}")) else { return nil }
                switch r.pattern {
                case .string(let p):
                    let pattern = Array(p.utf8)
                    guard !pattern.isEmpty, !Self.hasWhitespace(pattern) else { return nil }
                    // A non-ASCII pattern never matches ASCII text (nor the output of ASCII steps).
                    if pattern.contains(where: { $0 >= 0x80 }) {
                        guard !nonASCII else { return nil }
                        stableAllowed = false
                        continue
                    }
                    if content.isEmpty { return nil }  // removal could join spaces across a cut
                    steps.append(.replace(pattern, content))
                case .regex(let source):
                    guard source == " {2,}" else { return nil }
                    steps.append(.spaceRuns(content))
                }
                if content.contains(where: { $0 >= 0x80 }) { nonASCII = true }
            case .strip(let s):
                guard !s.stripLeft else { return nil }
                if s.stripRight { steps.append(.stripRight) }
            default:
                return nil
            }
        }
        self.steps = steps
        var touches = [Bool](repeating: false, count: 256)
        for b in 0x80..<256 { touches[b] = true }
        for step in steps {
            switch step {
            case .table(let t): for b in 0..<128 where t[b] != [UInt8(b)] { touches[b] = true }
            case .byteMap(let t): for b in 0..<128 where t[b] != UInt8(b) { touches[b] = true }
            case .replace(let p, _): touches[Int(p[0])] = true
            case .spaceRuns, .stripRight: break
            }
        }
        stepTouches = touches
        stepSpaceRuns = steps.contains { if case .spaceRuns = $0 { return true } else { return false } }
        stepStripRight = steps.contains { if case .stripRight = $0 { return true } else { return false } }
        self.precompiledChecks = precompiledChecks
        self.stableAllowed = stableAllowed
        self.normalizer = normalizer
        self.components = flat
        nonASCIICuts = whitespaceSplit || meta.split
        wordNeedsSteps = steps.contains { step in
            switch step {
            case .spaceRuns, .stripRight: return false
            default: return true
            }
        }
        byteClass = whitespaceSplit ? Self.byteClasses(steps) : []
    }

    /// The word path's byte classes. A word is a run of printable ASCII bytes; every such byte
    /// normalizes (by the per-character steps) to bytes with no whitespace (checked in `init?`).
    /// A separator is an ASCII whitespace byte (not CR) whose output under every per-character
    /// step is whitespace only and not empty, so with WhitespaceSplit the pre-tokens of the
    /// normalized text are exactly the normalized words. Everything else (controls, CR, bytes
    /// >= 0x80) is special: the stretch around it takes the cut-based path.
    /// Off (empty) when space runs become something other than a space: then spaces may join words.
    static func byteClasses(_ steps: [Step]) -> [UInt8] {
        for step in steps {
            if case .spaceRuns(let c) = step, c != [0x20] { return [] }
        }
        var classes = [UInt8](repeating: special, count: 256)
        for b in 0x21...0x7E { classes[b] = wordByte }
        for b: UInt8 in [0x09, 0x0A, 0x0B, 0x0C, 0x20] {
            var bytes = [b]
            for step in steps {
                switch step {
                case .table(let t): bytes = bytes.flatMap { $0 < 0x80 ? t[Int($0)] : [$0] }
                case .byteMap(let t): bytes = bytes.map { $0 < 0x80 ? t[Int($0)] : $0 }
                case .replace, .spaceRuns, .stripRight: break  // never match nor make whitespace here
                }
            }
            if !bytes.isEmpty && bytes.allSatisfy({ $0 == 0x20 || (0x09...0x0C).contains($0) }) {
                classes[Int(b)] = separator
            }
        }
        return classes
    }

    /// ASCII whitespace or a non-ASCII White_Space scalar in UTF-8 `bytes`.
    static func hasWhitespace(_ bytes: [UInt8]) -> Bool {
        let scalars = UTF8Text.scalars(bytes)
        return scalars.contains { c in
            switch c {
            case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
            default: return false
            }
        }
    }

    @inline(__always) static func isGraphic(_ b: UInt8) -> Bool { b &- 0x21 < 0x5E }

    /// Appends the ids of `text` (no added tokens in it).
    ///
    /// With WhitespaceSplit (the word path), one pass over the bytes: each word (printable ASCII
    /// between separators) is looked up by its raw bytes in the per-thread hot cache, and on a
    /// miss normalized, split and segmented alone (its pre-tokens are the same as in the whole
    /// text, see `byteClasses`). A word with a special byte sends the text between the cuts
    /// around it (see `encodeStretches`) down the cut-based path, after taking back the ids
    /// appended since the cut before it.
    func encode(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: inout FastScratch,
                general: Tokenizer) throws {
        guard let base = text.baseAddress else { return }
        if byteClass.isEmpty {
            if split { return try encodeByStretch(text, into: &out, scratch: &scratch, general: general) }
            return try encodeStretches(text, into: &out, scratch: &scratch, general: general)
        }
        let n = text.count
        let startCount = out.count
        var sawWord = false
        var lastCut = 0            // the last cut before the current position
        var outAtCut = out.count   // ids appended up to it
        let cls = byteClass  // indexed directly: a closure here would capture (copy) the tokenizer
        do {
            var i = 0
            while i < n {
                let b = base[i]
                let c = cls[Int(b)]
                if c == Self.separator {
                    if b == 0x20 && i > 0 && i + 1 < n && Self.isGraphic(base[i - 1]) && Self.isGraphic(base[i + 1]) {
                        lastCut = i
                        outAtCut = out.count
                    }
                    i += 1
                    continue
                }
                let s = i
                var flags = c
                i += 1
                while i < n {
                    let c = cls[Int(base[i])]
                    if c == Self.separator { break }
                    flags |= c
                    i += 1
                }
                if flags == Self.wordByte {
                    sawWord = true
                    try encodeWord(UnsafeBufferPointer(start: base + s, count: i - s), readable: n - s, into: &out, scratch: &scratch)
                    continue
                }
                // A special byte: the stretches from the last cut to the next one take the cut path.
                var j = i
                while j < n && !isCut(base, n, j, &scratch) { j += 1 }
                out.removeLast(out.count - outAtCut)
                try encodeStretches(UnsafeBufferPointer(start: base + lastCut, count: j - lastCut), into: &out, scratch: &scratch, general: general)
                sawWord = true
                i = j
                lastCut = j
                outAtCut = out.count
            }
        }
        if !sawWord {
            // Only separators: the cut path decides (it defers an empty normalization to the general one).
            out.removeLast(out.count - startCount)
            try encodeStretches(text, into: &out, scratch: &scratch, general: general)
        }
    }

    /// Metaspace alone with `split`: a stretch after the first that is ASCII without CR (" word",
    /// " word\nword") is looked up by its raw bytes in the word caches and on a miss normalized
    /// and split alone, as `encodeASCII` would (it starts with a space, so it is whole pieces,
    /// none prepended, whatever comes before; it ends before a cut, or at the end of the text
    /// where a right strip applies to it alone). So is the first stretch when it is ASCII without
    /// CR and has a printable byte: the cut path would give it to `encodeASCII` alone too (the
    /// stretch after it starts a new run, or is the general path's), and a printable byte keeps
    /// its normalization from being empty (the one case `encodeASCII` leaves to the general
    /// pipeline). Other stretches take the cut path.
    func encodeByStretch(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: inout FastScratch,
                         general: Tokenizer) throws {
        guard let base = text.baseAddress else { return }
        let n = text.count
        var s = 0          // start of the current stretch
        var slowStart = 0  // start of the stretches not encoded yet
        while s < n {
            var j = s + 1
            var simple = s > 0 || (base[0] < 0x80 && base[0] != 0x0D)
            while j < n {
                let b = base[j]
                if Self.isGraphic(b) {
                    j += 1
                    continue
                }
                if isCut(base, n, j, &scratch) { break }
                if b >= 0x80 || b == 0x0D { simple = false }
                j += 1
            }
            if simple && s == 0 && j == n {
                // The whole text: it may normalize to nothing unless it has a printable byte.
                simple = UnsafeBufferPointer(start: base, count: n).contains(where: Self.isGraphic)
            }
            if simple {
                if s > slowStart {
                    try encodeStretches(UnsafeBufferPointer(start: base + slowStart, count: s - slowStart), into: &out, scratch: &scratch, general: general)
                }
                try encodeWord(UnsafeBufferPointer(start: base + s, count: j - s), readable: n - s, into: &out, scratch: &scratch)
                slowStart = j
            }
            s = j
        }
        if n > slowStart {
            try encodeStretches(UnsafeBufferPointer(start: base + slowStart, count: n - slowStart), into: &out, scratch: &scratch, general: general)
        }
    }

    /// A word of printable ASCII (or a stretch, for `encodeByStretch`) through the word caches (keyed by its raw bytes).
    @inline(__always)
    func encodeWord(_ w: UnsafeBufferPointer<UInt8>, readable: Int, into out: inout [UInt32], scratch: inout FastScratch) throws {
        if w.count <= 16 {
            // A small cache that stays in L2 (the most frequent words), then the large one.
            let key = scratch.hot.key(w, readable: readable)
            let small = HotPieceCache.Key(w0: key.w0, w1: key.w1, length: key.length, slot: key.slot & scratch.unigramHotMask)
            if scratch.unigramHot.lookup(small, into: &out) { return }
            let start = out.count
            if !scratch.hot.lookup(key, into: &out) {
                try encodeWordCached(w, into: &out, scratch: &scratch)
                scratch.hot.store(key, out[start...])
            }
            scratch.unigramHot.store(small, out[start...])
        } else {
            try encodeWordCached(w, into: &out, scratch: &scratch)
        }
    }

    /// The word through the second-level word cache (longer words, or more than 3 ids).
    func encodeWordCached(_ w: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: inout FastScratch) throws {
        if w.count > Models.BPE.Cache.maxPieceLength { return try encodeWordMiss(w, into: &out, scratch: &scratch) }
        let h = ByteSliceTable.hash(w)
        if scratch.unigramWords.lookup(w, hash: h, into: &out) { return }
        let start = out.count
        try encodeWordMiss(w, into: &out, scratch: &scratch)
        scratch.unigramWords.insert(w, hash: h, ids: out[start...])
    }

    /// A word (or a stretch) normalized alone, split, and its pieces segmented. Its ids go to
    /// the word caches (up to `maxPieceLength` bytes), so its pieces skip the piece cache.
    func encodeWordMiss(_ w: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: inout FastScratch) throws {
        let cachePieces = w.count > Models.BPE.Cache.maxPieceLength
        // Words of the word path skip steps that leave printable ASCII alone; stretches do not.
        if steps.isEmpty || (!wordNeedsSteps && !byteClass.isEmpty) || stepsKeep(w) {
            return try split(w, cachePieces: cachePieces, into: &out, scratch: &scratch)
        }
        var a: [UInt8] = []
        var b: [UInt8] = []
        swap(&a, &scratch.unigramBuffer)
        swap(&b, &scratch.unigramBuffer2)
        normalize(w, &a, &b)
        defer {
            scratch.unigramBuffer = a
            scratch.unigramBuffer2 = b
        }
        try a.withUnsafeBufferPointer { try split($0, cachePieces: cachePieces, into: &out, scratch: &scratch) }
    }

    /// The cut-based path: appends the ids of `text` (no added tokens in it).
    func encodeStretches(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: inout FastScratch,
                general: Tokenizer) throws {
        guard let base = text.baseAddress else { return }
        let n = text.count
        var runStart = 0   // start of the current run of ASCII stretches
        var stretch = 0    // start of the current stretch
        var special = false  // the current stretch has a non-ASCII byte or a CR
        var i = 0
        while i <= n {
            let cut = i == n || isCut(base, n, i, &scratch)
            if cut {
                if special {
                    if stretch > runStart { try encodeASCII(UnsafeBufferPointer(rebasing: text[runStart..<stretch]), into: &out, scratch: &scratch, general: general) }
                    try encodeSpecial(UnsafeBufferPointer(rebasing: text[stretch..<i]), into: &out, scratch: &scratch, general: general)
                    runStart = i
                    special = false
                }
                stretch = i
                if i == n { break }
            } else if text[i] >= 0x80 || text[i] == 0x0D {
                special = true
            }
            i += 1
        }
        if n > runStart { try encodeASCII(UnsafeBufferPointer(rebasing: text[runStart..<n]), into: &out, scratch: &scratch, general: general) }
    }

    /// Stretches longer than this (in bytes) are not kept in the stretch cache.
    static let maxCachedStretch = 256

    /// A stretch with a non-ASCII byte or a CR through the general pipeline, behind a per-thread
    /// cache keyed by its raw bytes (its ids depend on its bytes only, see `encodeStretches`).
    func encodeSpecial(_ stretch: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: inout FastScratch,
                       general: Tokenizer) throws {
        if stretch.count > Self.maxCachedStretch {
            return try encodeSpecialMiss(stretch, into: &out, scratch: &scratch, general: general)
        }
        let h = ByteSliceTable.hash(stretch)
        if scratch.unigramStretches.lookup(stretch, hash: h, into: &out) { return }
        let start = out.count
        try encodeSpecialMiss(stretch, into: &out, scratch: &scratch, general: general)
        scratch.unigramStretches.insert(stretch, hash: h, ids: out[start...])
    }

    /// An ASCII run (no CR): normalized by the steps, pre-tokenized, segmented through the cache.
    func encodeASCII(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: inout FastScratch,
                     general: Tokenizer) throws {
        if steps.isEmpty || stepsKeep(text) { return try split(text, into: &out, scratch: &scratch) }
        // Taken out of the scratch (not copied), so appends do not copy the buffers.
        var a: [UInt8] = []
        var b: [UInt8] = []
        swap(&a, &scratch.unigramBuffer)
        swap(&b, &scratch.unigramBuffer2)
        normalize(text, &a, &b)
        defer {
            scratch.unigramBuffer = a
            scratch.unigramBuffer2 = b
        }
        if a.isEmpty {
            // The general pipeline decides what an input that normalizes to nothing gives.
            out += try general.generalIds(Array(text))
            return
        }
        try a.withUnsafeBufferPointer { try split($0, into: &out, scratch: &scratch) }
    }

    /// Whether every step leaves the ASCII `text` as it is, so it needs no copy through them: no
    /// byte that a table changes or a pattern starts with, no two spaces in a row when space runs
    /// are replaced, no trailing whitespace when it is stripped. (A step that keeps the text
    /// hands the next one the same text, so this holds for the sequence.)
    @inline(__always)
    func stepsKeep(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        stepTouches.withUnsafeBufferPointer { touches in
            var previous: UInt8 = 0
            for x in text {
                if touches[Int(x)] || (stepSpaceRuns && x == 0x20 && previous == 0x20) { return false }
                previous = x
            }
            if stepStripRight, let last = text.last, last == 0x20 || (0x09...0x0D).contains(last) { return false }
            return true
        }
    }

    /// `text` through the steps into `a` (`b` is a second buffer).
    func normalize(_ text: UnsafeBufferPointer<UInt8>, _ a: inout [UInt8], _ b: inout [UInt8]) {
        a.removeAll(keepingCapacity: true)
        a.append(contentsOf: text)
        for step in steps {
            b.removeAll(keepingCapacity: true)
            Self.apply(step, a, &b)
            swap(&a, &b)
        }
    }

    /// Appends `a` through `step` to `b` (tables: ASCII bytes only).
    @inline(__always)
    static func apply(_ step: Step, _ a: [UInt8], _ b: inout [UInt8]) {
        switch step {
        case .table(let t):
            for x in a { b.append(contentsOf: t[Int(x)]) }
        case .byteMap(let t):
            t.withUnsafeBufferPointer { t in for x in a { b.append(t[Int(x)]) } }
        case .replace(let p, let c):
            var k = 0
            let m = p.count
            while k < a.count {
                if a[k] == p[0] && k + m <= a.count && a[k..<(k + m)].elementsEqual(p) {
                    b.append(contentsOf: c)
                    k += m
                } else {
                    b.append(a[k])
                    k += 1
                }
            }
        case .spaceRuns(let c):
            var k = 0
            while k < a.count {
                if a[k] == 0x20 && k + 1 < a.count && a[k + 1] == 0x20 {
                    while k < a.count && a[k] == 0x20 { k += 1 }
                    b.append(contentsOf: c)
                } else {
                    b.append(a[k])
                    k += 1
                }
            }
        case .stripRight:
            var e = a.count
            while e > 0 && (a[e - 1] == 0x20 || (0x09...0x0D).contains(a[e - 1])) { e -= 1 }
            b.append(contentsOf: a[..<e])
        }
    }

    /// Pre-tokenizes normalized ASCII-run text and encodes its pieces: the Metaspace output of
    /// every pre-token is written once into one buffer, and pieces are slices of it.
    func split(_ norm: UnsafeBufferPointer<UInt8>, cachePieces: Bool = true, into out: inout [UInt32],
               scratch: inout FastScratch) throws {
        var buf: [UInt8] = []
        var bounds: [Int] = []
        swap(&buf, &scratch.unigramPiece)
        swap(&bounds, &scratch.unigramBounds)
        defer {
            swap(&buf, &scratch.unigramPiece)
            swap(&bounds, &scratch.unigramBounds)
        }
        buf.removeAll(keepingCapacity: true)
        bounds.removeAll(keepingCapacity: true)
        bounds.append(0)
        let rep = replacement
        let r0 = rep[0]
        let repCount = rep.count
        var next = 0  // where the search for the next pre-token starts
        while next < norm.count {
            // The next pre-token [s, e): a whitespace-free run, or the whole text.
            var s = next
            var e = norm.count
            if whitespaceSplit {
                while s < norm.count && (norm[s] == 0x20 || (norm[s] &- 0x09) < 5) { s += 1 }
                e = s
                while e < norm.count && !(norm[e] == 0x20 || (norm[e] &- 0x09) < 5) { e += 1 }
                if e == s { break }
            }
            next = e
            // Metaspace: spaces become the replacement, prepended (always), starting pieces (split).
            var pieceStart = buf.count
            var k = s
            var startsWithRep = norm[s] == 0x20
            if !startsWithRep && norm[s] == r0 && s + repCount <= e {
                startsWithRep = true
                for j in 1..<repCount where norm[s + j] != rep[j] { startsWithRep = false }
            }
            if prependAlways && !startsWithRep { buf.append(contentsOf: rep) }
            while k < e {
                let b = norm[k]
                var isRep = false
                if b == r0 && k + repCount <= e {
                    isRep = true
                    for j in 1..<repCount where norm[k + j] != rep[j] { isRep = false }
                }
                if b == 0x20 || isRep {
                    if split && buf.count > pieceStart {
                        bounds.append(buf.count)
                        pieceStart = buf.count
                    }
                    buf.append(contentsOf: rep)
                    k += b == 0x20 ? 1 : repCount
                } else {
                    buf.append(b)
                    k += 1
                }
            }
            if buf.count > pieceStart { bounds.append(buf.count) }
        }
        try buf.withUnsafeBufferPointer { b in
            for i in 1..<bounds.count where bounds[i] > bounds[i - 1] {
                let piece = UnsafeBufferPointer(rebasing: b[bounds[i - 1]..<bounds[i]])
                if cachePieces {
                    try encodePiece(piece, into: &out, scratch: &scratch)
                } else {
                    try model.encodeIds(piece, into: &out, scratch: &scratch.unigram)
                }
            }
        }
    }

    @inline(__always)
    func encodePiece(_ piece: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: inout FastScratch) throws {
        if piece.count > Models.BPE.Cache.maxPieceLength {
            try model.encodeIds(piece, into: &out, scratch: &scratch.unigram)
            return
        }
        let h = ByteSliceTable.hash(piece)
        if scratch.bpeCache.lookup(piece, hash: h, into: &out) { return }
        let start = out.count
        try model.encodeIds(piece, into: &out, scratch: &scratch.unigram)
        scratch.bpeCache.insert(piece, hash: h, ids: out[start...])
    }
}
