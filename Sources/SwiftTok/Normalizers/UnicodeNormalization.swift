/// NFD / NFKD / NFC / NFKC with the change stream of unicode-normalization-alignments (the
/// crate behind `tokenizers`' `nfd()` ... `nfkc()`), over the reference's own Unicode data.
///
/// Stream rules, which decide alignments: each input scalar's first decomposed scalar has
/// change 0 and the rest 1; canonical reordering stable-sorts each run of non-starters with the
/// changes travelling along; composing `k` with `c` gives change `k.change + c.change - 1`.
enum UnicodeNormalization {
    enum Form: Sendable {
        case nfd, nfkd, nfc, nfkc

        var compatibility: Bool { self == .nfkd || self == .nfkc }
        var composes: Bool { self == .nfc || self == .nfkc }
        var unstableFlag: UInt8 {
            switch self {
            case .nfd: return NormalizerTables.nfdUnstable
            case .nfkd: return NormalizerTables.nfkdUnstable
            case .nfc: return NormalizerTables.nfcUnstable
            case .nfkc: return NormalizerTables.nfkcUnstable
            }
        }
        /// Every scalar below this is left alone by the form.
        var inertBelow: UInt8 { compatibility ? 0xA0 : 0xC0 }
    }

    /// True when `form` certainly leaves `bytes` unchanged (every scalar is stable alone and
    /// none interacts with its neighbours), so no transformation needs to be built.
    static func isStable(_ bytes: [UInt8], _ form: Form) -> Bool {
        let inert = form.inertBelow
        let flag = form.unstableFlag
        return bytes.withUnsafeBufferPointer { p in
            var i = 0
            while i < p.count {
                if p[i] < inert { i += 1; continue }
                let (s, n) = UTF8Text.decode(p, at: i)
                if NormalizerTables.flags(s) & flag != 0 { return false }
                i += n
            }
            return true
        }
    }

    /// The decomposed, canonically ordered stream of `scalars`.
    static func decompose(_ scalars: [UInt32], compatibility: Bool) -> NormalizedString.Changes {
        var out: NormalizedString.Changes = []
        out.reserveCapacity(scalars.count + scalars.count / 2)
        var classes: [UInt8] = []
        classes.reserveCapacity(out.capacity)
        var runStart = 0
        let tables = NormalizerTables.data

        @inline(__always) func push(_ c: UInt32, _ change: Int) {
            let cls = NormalizerTables.combiningClass(c)
            if cls == 0 {
                sortRun(&out, &classes, from: runStart)
                runStart = out.count
            }
            out.append((c, change))
            classes.append(cls)
        }

        for s in scalars {
            if s < 0xA0 { push(s, 0); continue }
            if s >= NormalizerTables.hangulSBase && s < NormalizerTables.hangulSBase + NormalizerTables.hangulSCount {
                let index = s - NormalizerTables.hangulSBase
                push(NormalizerTables.hangulLBase + index / NormalizerTables.hangulNCount, 0)
                push(NormalizerTables.hangulVBase + (index % NormalizerTables.hangulNCount) / NormalizerTables.hangulTCount, 1)
                let t = index % NormalizerTables.hangulTCount
                if t != 0 { push(NormalizerTables.hangulTBase + t, 1) }
                continue
            }
            let mapping = (compatibility ? tables.compat.lookup(s) : nil) ?? tables.canonical.lookup(s)
            if let mapping {
                var first = true
                for d in mapping {
                    push(d, first ? 0 : 1)
                    first = false
                }
            } else {
                push(s, 0)
            }
        }
        sortRun(&out, &classes, from: runStart)
        return out
    }

    /// Stable insertion sort of `out[from...]` by combining class (runs are short).
    @inline(__always)
    private static func sortRun(_ out: inout NormalizedString.Changes, _ classes: inout [UInt8], from start: Int) {
        let end = out.count
        if end - start < 2 { return }
        var i = start + 1
        while i < end {
            let cls = classes[i]
            let item = out[i]
            var j = i
            while j > start && classes[j - 1] > cls {
                classes[j] = classes[j - 1]
                out[j] = out[j - 1]
                j -= 1
            }
            classes[j] = cls
            out[j] = item
            i += 1
        }
    }

    /// Canonical composition of a decomposed stream, as the crate's `Recompositions` iterator.
    static func recompose(_ input: NormalizedString.Changes) -> NormalizedString.Changes {
        var out: NormalizedString.Changes = []
        out.reserveCapacity(input.count)
        var buffer: NormalizedString.Changes = []
        var composee: (scalar: UInt32, change: Int)?
        var lastClass: UInt8?
        for (ch, change) in input {
            let cls = NormalizerTables.combiningClass(ch)
            guard let k = composee else {
                if cls != 0 { out.append((ch, change)) } else { composee = (ch, change) }
                continue
            }
            if let l = lastClass {
                if l >= cls {
                    // `ch` is blocked from the composee.
                    if cls == 0 {
                        out.append(k)
                        out.append(contentsOf: buffer)
                        buffer.removeAll(keepingCapacity: true)
                        composee = (ch, change)
                        lastClass = nil
                    } else {
                        buffer.append((ch, change))
                        lastClass = cls
                    }
                    continue
                }
                if let r = NormalizerTables.compose(k.scalar, ch) {
                    composee = (r, k.change + change - 1)
                } else {
                    buffer.append((ch, change))
                    lastClass = cls
                }
            } else {
                if let r = NormalizerTables.compose(k.scalar, ch) {
                    composee = (r, k.change + change - 1)
                } else if cls == 0 {
                    out.append(k)
                    composee = (ch, change)
                } else {
                    buffer.append((ch, change))
                    lastClass = cls
                }
            }
        }
        if let k = composee { out.append(k) }
        out.append(contentsOf: buffer)
        return out
    }
}

extension NormalizedString {
    /// `tokenizers`' `nfd()` / `nfkd()` / `nfc()` / `nfkc()`.
    mutating func normalizeLikeReference(_ form: UnicodeNormalization.Form) {
        if UnicodeNormalization.isStable(normalized, form) { return }
        var changes = UnicodeNormalization.decompose(scalars, compatibility: form.compatibility)
        if form.composes { changes = UnicodeNormalization.recompose(changes) }
        transform(changes, initialOffset: 0)
    }
}
