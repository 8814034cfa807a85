/// The Unigram fast path's miss path for stretches with non-ASCII bytes (or a CR): ids only, no
/// `PreTokenizedString`, `Token` or `String` per piece. The normalized bytes come from
/// `normalizeStable` when it applies (no alignments at all), else from the tokenizer's normalizer
/// on a `NormalizedString` (alignments built and dropped); then `split` and the piece cache, as
/// for ASCII runs. The general pipeline (`Tokenizer.generalIds`) stays the reference and the
/// fallback.
extension UnigramFastPath {
    /// Appends the ids of a stretch not found in the stretch cache. `split` knows only ASCII
    /// whitespace, so with WhitespaceSplit a normalized text with other whitespace, and a text
    /// that normalizes to nothing, take the general pipeline.
    func encodeSpecialMiss(_ stretch: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: inout FastScratch,
                           general: Tokenizer) throws {
        var a: [UInt8] = []
        var b: [UInt8] = []
        swap(&a, &scratch.unigramBuffer)
        swap(&b, &scratch.unigramBuffer2)
        defer {
            scratch.unigramBuffer = a
            scratch.unigramBuffer2 = b
        }
        if !normalizeStable(stretch, &a, &b, &scratch) {
            var s = NormalizedString(Array(stretch))
            if let normalizer { try normalizer.normalize(&s) }
            a = s.normalized
        }
        if a.isEmpty || (whitespaceSplit && Self.hasNonASCIIWhitespace(a)) {
            out += try general.generalIds(Array(stretch))
            return
        }
        // Up to `maxCachedStretch` bytes the stretch cache keeps its ids: no piece cache then.
        let cachePieces = stretch.count > Self.maxCachedStretch
        try a.withUnsafeBufferPointer { try split($0, cachePieces: cachePieces, into: &out, scratch: &scratch) }
    }

    /// Normalizes `text` into `a` with the byte steps when every non-ASCII scalar in it is
    /// stable (`computeStable`) and no Precompiled key can match beside one; returns false
    /// (and `a` is garbage) when it does not apply. Why this is the normalizer's output:
    /// - A per-character component (NFD, NFKD, StripAccents, Lowercase, Nmt) maps each scalar on
    ///   its own; its ASCII bytes follow its table (a step, or nothing when it is the identity on
    ///   ASCII), a stable scalar stays itself, and stable scalars have ccc 0 or 1, so no canonical
    ///   reordering happens (it needs a ccc > 1 before a smaller non-zero one).
    /// - String `Replace`s have ASCII patterns (else `stableAllowed` is false): they match the same
    ///   bytes whatever the non-ASCII bytes between; the space-run replace and a right `Strip` see
    ///   ASCII whitespace only (stable scalars are not whitespace).
    /// - Precompiled: when no key of the map starts at a non-ASCII scalar nor at an ASCII byte
    ///   followed by a non-ASCII one, every cluster with a non-ASCII scalar is replaced char by
    ///   char (no key is a prefix of it), non-ASCII scalars are left alone, and ASCII bytes get
    ///   their own match, which is the table's entry; ASCII clusters are single bytes (no CR).
    /// - NFC/NFKC (compositions) and non-ASCII `Replace` patterns turn this path off.
    func normalizeStable(_ text: UnsafeBufferPointer<UInt8>, _ a: inout [UInt8], _ b: inout [UInt8],
                         _ scratch: inout FastScratch) -> Bool {
        guard stableAllowed else { return false }
        let n = text.count
        var i = 0
        while i < n {
            let x = text[i]
            if x < 0x80 {
                if x == 0x0D { return false }  // CR LF is one cluster
                i += 1
                continue
            }
            let (scalar, len) = UTF8Text.decode(text, at: i)
            if !scalarHas(Self.scalarStable, scalar, &scratch) { return false }
            i += len
        }
        a.removeAll(keepingCapacity: true)
        a.append(contentsOf: text)
        var check = 0
        for (index, step) in steps.enumerated() {
            while check < precompiledChecks.count && precompiledChecks[check].step == index {
                if Self.mayMatchBesideNonASCII(a, precompiledChecks[check].map) { return false }
                check += 1
            }
            b.removeAll(keepingCapacity: true)
            switch step {
            case .table(let t):
                for x in a { if x < 0x80 { b.append(contentsOf: t[Int(x)]) } else { b.append(x) } }
            case .byteMap(let t):
                for x in a { b.append(x < 0x80 ? t[Int(x)] : x) }
            case .replace, .spaceRuns, .stripRight:
                // Byte steps that look at ASCII bytes only: the same code as for ASCII runs.
                Self.apply(step, a, &b)
            }
            swap(&a, &b)
        }
        while check < precompiledChecks.count {
            if Self.mayMatchBesideNonASCII(a, precompiledChecks[check].map) { return false }
            check += 1
        }
        return true
    }

    /// Whether a key of `map` starts at a non-ASCII scalar of `t` or at an ASCII byte followed by one.
    static func mayMatchBesideNonASCII(_ t: [UInt8], _ map: CharsMap) -> Bool {
        t.withUnsafeBufferPointer { b in
            let n = b.count
            var i = 0
            while i < n {
                let x = b[i]
                let len = UTF8Text.sequenceLength(lead: x)
                if x >= 0x80 || (i + 1 < n && b[i + 1] >= 0x80) {
                    if map.firstMatch(UnsafeBufferPointer(rebasing: b[i..<Swift.min(i + 6, n)])) != nil { return true }
                }
                i += len
            }
            return false
        }
    }

    /// Whether `scalar` (not ASCII) is left as it is by every per-character component, alone
    /// and before a ccc-1 mark (U+0334, so its ccc is 0 or 1 when NFD/NFKD is there), and is not
    /// whitespace. Precompiled is checked on the text instead (`mayMatchBesideNonASCII`).
    func computeStable(_ scalar: UInt32) -> Bool {
        var bytes: [UInt8] = []
        UTF8Text.appendScalar(scalar, to: &bytes)
        if Self.hasWhitespace(bytes) { return false }
        for component in components {
            switch component {
            case .nfd, .nfkd, .stripAccents, .lowercase, .nmt:
                var probes = [bytes]
                if case .nfd = component { probes.append(bytes + [0xCC, 0xB4]) }
                if case .nfkd = component { probes.append(bytes + [0xCC, 0xB4]) }
                for probe in probes {
                    var s = NormalizedString(probe)
                    guard (try? component.normalize(&s)) != nil, s.normalized == probe else { return false }
                }
            case .nfc, .nfkc: return false
            default: break
            }
        }
        return true
    }

    /// Whether UTF-8 `b` has a White_Space scalar above U+007F (U+0085, U+00A0, U+1680,
    /// U+2000–200A, U+2028, U+2029, U+202F, U+205F, U+3000), the set `hasWhitespace` uses.
    static func hasNonASCIIWhitespace(_ b: [UInt8]) -> Bool {
        let n = b.count
        var i = 0
        while i < n {
            let x = b[i]
            if x < 0x80 { i += 1; continue }
            let len = UTF8Text.sequenceLength(lead: x)
            if i + len <= n {
                let y = b[i + 1]
                switch x {
                case 0xC2 where y == 0x85 || y == 0xA0: return true
                case 0xE1 where y == 0x9A && b[i + 2] == 0x80: return true
                case 0xE2:
                    let z = b[i + 2]
                    if y == 0x80 && (z <= 0x8A || z == 0xA8 || z == 0xA9 || z == 0xAF) { return true }
                    if y == 0x81 && z == 0x9F { return true }
                case 0xE3 where y == 0x80 && b[i + 2] == 0x80: return true
                default: break
                }
            }
            i += len
        }
        return false
    }
}
