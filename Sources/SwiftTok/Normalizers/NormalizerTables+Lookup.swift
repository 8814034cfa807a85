/// The reference's Unicode data for normalizers, parsed once from the generated sources in
/// NormalizerTables.swift (scripts/make_normalizer_tables.py).
///
/// `tokenizers` uses older Unicode tables than ICU (Unicode 9 for NFx, Unicode 8 for
/// BertNormalizer's categories), so these tables, read from the reference itself, replace ICU
/// for every decision that changes text.
enum NormalizerTables {
    // Per-code-point flags.
    static let nfdUnstable: UInt8 = 0x01
    static let nfkdUnstable: UInt8 = 0x02
    static let nfcUnstable: UInt8 = 0x04
    static let nfkcUnstable: UInt8 = 0x08
    static let combiningMark: UInt8 = 0x10
    static let bertNonspacingMark: UInt8 = 0x20
    static let whitespace: UInt8 = 0x40
    static let bertRemove: UInt8 = 0x80

    /// Decompositions: `index[c]` packs start (high 24 bits) and count (low 8) into `storage`.
    struct Decompositions: Sendable {
        var index: [UInt32: UInt32] = [:]
        var storage: [UInt32] = []

        func lookup(_ c: UInt32) -> ArraySlice<UInt32>? {
            guard let packed = index[c] else { return nil }
            let start = Int(packed >> 8)
            return storage[start..<(start + Int(packed & 0xFF))]
        }
    }

    struct Data: Sendable {
        var flags: [UInt8]
        var canonical: Decompositions
        var compat: Decompositions
        var combiningClass: [UInt32: UInt8]
        var composition: [UInt64: UInt32]
        var lowercase: Decompositions
    }

    static let data: Data = build()

    /// Builds the tables now (once per process), so a tokenizer whose normalizer reads them pays
    /// for that at load rather than in the first encode that meets a non-ASCII scalar.
    @discardableResult
    static func prepare() -> Int { data.flags.count }

    @inline(__always)
    static func flags(_ c: UInt32) -> UInt8 {
        c < 0x110000 ? data.flags.withUnsafeBufferPointer { $0[Int(c)] } : 0
    }

    /// The reference's canonical combining class of `c`.
    @inline(__always)
    static func combiningClass(_ c: UInt32) -> UInt8 {
        if c < 0x300 { return 0 }
        return data.combiningClass[c] ?? 0
    }

    // MARK: Hangul (algorithmic, identical in every Unicode version)

    static let hangulSBase: UInt32 = 0xAC00, hangulLBase: UInt32 = 0x1100
    static let hangulVBase: UInt32 = 0x1161, hangulTBase: UInt32 = 0x11A7
    static let hangulLCount: UInt32 = 19, hangulVCount: UInt32 = 21, hangulTCount: UInt32 = 28
    static let hangulNCount: UInt32 = 588, hangulSCount: UInt32 = 11172

    /// The primary composite of `a` and `b`, as the reference's `compose`.
    @inline(__always)
    static func compose(_ a: UInt32, _ b: UInt32) -> UInt32? {
        if a >= hangulLBase && a < hangulLBase + hangulLCount && b >= hangulVBase && b < hangulVBase + hangulVCount {
            return hangulSBase + ((a - hangulLBase) * hangulVCount + (b - hangulVBase)) * hangulTCount
        }
        if a >= hangulSBase && a < hangulSBase + hangulSCount && (a - hangulSBase) % hangulTCount == 0
            && b > hangulTBase && b < hangulTBase + hangulTCount {
            return a + (b - hangulTBase)
        }
        return data.composition[UInt64(a) << 21 | UInt64(b)]
    }

    // MARK: Parsing the generated sources

    private static func hex<S: Sequence<UInt8>>(_ digits: S) -> UInt32 {
        var v: UInt32 = 0
        for d in digits {
            v = v << 4 | UInt32(d <= 0x39 ? d - 0x30 : d - 0x41 + 10)
        }
        return v
    }

    /// Splits `source` on `separator` bytes.
    private static func fields(_ source: String, _ separator: UInt8) -> [ArraySlice<UInt8>] {
        let bytes = Array(source.utf8)
        if bytes.isEmpty { return [] }
        return bytes.split(separator: separator, omittingEmptySubsequences: true)
    }

    static func ranges(_ source: String) -> [ClosedRange<UInt32>] {
        fields(source, UInt8(ascii: ",")).map { f in
            if let dash = f.firstIndex(of: UInt8(ascii: "-")) {
                return hex(f[f.startIndex..<dash])...hex(f[(dash + 1)...])
            }
            let v = hex(f)
            return v...v
        }
    }

    private static func map(_ source: String) -> Decompositions {
        var d = Decompositions()
        for entry in fields(source, UInt8(ascii: ";")) {
            guard let colon = entry.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let key = hex(entry[entry.startIndex..<colon])
            let values = entry[(colon + 1)...].split(separator: UInt8(ascii: " ")).map { hex($0) }
            d.index[key] = UInt32(d.storage.count) << 8 | UInt32(values.count)
            d.storage += values
        }
        return d
    }

    private static func build() -> Data {
        var flags = [UInt8](repeating: 0, count: 0x110000)
        let canonical = map(canonicalSource)
        let compat = map(compatSource)
        let lowercase = map(lowercaseSource)
        var combiningClass: [UInt32: UInt8] = [:]
        for entry in fields(combiningClassSource, UInt8(ascii: ";")) {
            guard let colon = entry.firstIndex(of: UInt8(ascii: ":")) else { continue }
            combiningClass[hex(entry[entry.startIndex..<colon])] = UInt8(truncatingIfNeeded: hex(entry[(colon + 1)...]))
        }
        var composition: [UInt64: UInt32] = [:]
        var primaryComposites = Set<UInt32>()
        var secondElements = Set<UInt32>()
        for entry in fields(compositionSource, UInt8(ascii: ";")) {
            let p = entry.split(separator: UInt8(ascii: " ")).map { hex($0) }
            guard p.count == 3 else { continue }
            composition[UInt64(p[0]) << 21 | UInt64(p[1])] = p[2]
            primaryComposites.insert(p[2])
            secondElements.insert(p[1])
        }
        flags.withUnsafeMutableBufferPointer { f in
            for c in combiningClass.keys {
                f[Int(c)] |= nfdUnstable | nfkdUnstable | nfcUnstable | nfkcUnstable
            }
            for c in secondElements { f[Int(c)] |= nfcUnstable | nfkcUnstable }
            for t in (hangulTBase + 1)..<(hangulTBase + hangulTCount) { f[Int(t)] |= nfcUnstable | nfkcUnstable }
            for v in hangulVBase..<(hangulVBase + hangulVCount) { f[Int(v)] |= nfcUnstable | nfkcUnstable }
            for s in hangulSBase..<(hangulSBase + hangulSCount) { f[Int(s)] |= nfdUnstable | nfkdUnstable }
            for c in canonical.index.keys {
                f[Int(c)] |= nfdUnstable | nfkdUnstable
                if !primaryComposites.contains(c) { f[Int(c)] |= nfcUnstable | nfkcUnstable }
            }
            for c in compat.index.keys { f[Int(c)] |= nfkdUnstable | nfkcUnstable }
            func mark(_ source: String, _ bit: UInt8) {
                for r in ranges(source) { for c in r where c < 0x110000 { f[Int(c)] |= bit } }
            }
            mark(combiningMarkSource, combiningMark)
            mark(bertNonspacingMarkSource, bertNonspacingMark)
            mark(whitespaceSource, whitespace)
            mark(bertRemoveSource, bertRemove)
        }
        return Data(flags: flags, canonical: canonical, compat: compat, combiningClass: combiningClass,
                    composition: composition, lowercase: lowercase)
    }
}
