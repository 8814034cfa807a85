internal import CPCRE2

/// A compiled PCRE2 regular expression (UTF and Unicode properties on, JIT when available),
/// used for `Split` patterns and regex `Replace`. Immutable and shareable across threads: match
/// data is allocated per call.
///
/// tokenizer.json patterns are written for Oniguruma (Ruby syntax), which `tokenizers` uses;
/// with `.oniguruma` (the default) the pattern is first rewritten so PCRE2 gives the same
/// matches: Oniguruma's `\s`, `\w`, `\d`, `\h` and POSIX bracket classes become the explicit
/// Unicode properties Oniguruma uses, `(?m)` means "dot matches newline", and `^`/`$` are line
/// anchors. Iteration follows Oniguruma's Rust binding (an empty match right where the previous
/// match ended is skipped).
public final class Regex: Sendable {
    /// Which engine's pattern dialect `pattern` is written in.
    public enum Syntax: Sendable {
        /// Oniguruma's Ruby syntax, as `tokenizers` compiles tokenizer.json patterns.
        case oniguruma
        /// PCRE2's own syntax, unchanged.
        case pcre2
    }

    /// The pattern as given.
    public let pattern: String
    /// The pattern PCRE2 compiled (after translation from `syntax`).
    public let compiledPattern: String
    // Sendable: the compiled code is immutable after init and PCRE2 allows concurrent matching
    // with separate match data.
    nonisolated(unsafe) let code: OpaquePointer

    /// Compiles `pattern`; throws `.regex` with PCRE2's message and offset.
    public init(_ pattern: String, syntax: Syntax = .oniguruma) throws {
        self.pattern = pattern
        let translated = syntax == .oniguruma ? Regex.translateOniguruma(pattern) : pattern
        compiledPattern = translated
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let bytes = Array(translated.utf8)
        var options = UInt32(PCRE2_UTF) | UInt32(PCRE2_UCP)
        // Ruby syntax: `^` and `$` always match at line boundaries.
        if syntax == .oniguruma { options |= UInt32(PCRE2_MULTILINE) }
        let compiled = bytes.withUnsafeBufferPointer { p in
            pcre2_compile_8(p.baseAddress, p.count, options, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = pcre2_get_error_message_8(errorCode, &buffer, buffer.count)
            let message = n > 0 ? String(decoding: buffer[0..<Int(n)], as: Unicode.UTF8.self) : "error \(errorCode)"
            throw TokenizerError(.regex, "invalid regex /\(pattern)/: \(message) at offset \(errorOffset)")
        }
        _ = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE))
        code = compiled
    }

    deinit { pcre2_code_free_8(code) }

    /// The escaped form of `literal`, matching it exactly.
    public static func escape(_ literal: String) -> String {
        "\\Q" + literal.replacingEvery("\\E", with: "\\E\\\\E\\Q") + "\\E"
    }

    /// All non-overlapping matches in `text` (valid UTF-8), left to right, as byte ranges.
    ///
    /// An empty match that ends where the previous match ended is skipped and the search moves
    /// one scalar on, as the `onig` crate's `find_iter` (and Rust's `regex`) do.
    public func matches(in text: UnsafeBufferPointer<UInt8>) throws -> [Range<Int>] {
        var result: [Range<Int>] = []
        try forEachMatch(in: text) { result.append($0) }
        return result
    }

    /// Calls `body` with each match of `matches(in:)`, without collecting them.
    public func forEachMatch(in text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) throws -> Void) throws {
        guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else {
            throw TokenizerError(.regex, "out of memory for regex match data")
        }
        defer { pcre2_match_data_free_8(data) }
        var start = 0
        var lastMatchEnd = -1
        let subject = text.baseAddress ?? UnsafePointer<UInt8>(bitPattern: 1)!  // Safe: length 0 is never read.
        while start <= text.count {
            // Input is valid UTF-8 by construction (NormalizedString), so skip PCRE2's per-call check.
            let rc = pcre2_match_8(code, subject, text.count, start, UInt32(PCRE2_NO_UTF_CHECK), data, nil)
            if rc == PCRE2_ERROR_NOMATCH { break }
            if rc < 0 {
                throw TokenizerError(.regex, "regex /\(pattern)/ failed to match (PCRE2 error \(rc))")
            }
            let ovector = pcre2_get_ovector_pointer_8(data)!  // Safe: match data always has an ovector.
            let s = Int(ovector[0])
            let e = Int(ovector[1])
            if s == e && e == lastMatchEnd {
                if start >= text.count { break }
                start += UTF8Text.sequenceLength(lead: text[start])
                continue
            }
            // A match that ends before it starts (`\K` in a look-ahead) cannot split text.
            guard s <= e else { break }
            try body(s..<e)
            start = e
            lastMatchEnd = e
        }
    }

    /// `tokenizers`' `Pattern::find_matches`: the matches and the gaps between them, in order,
    /// covering all of `text`. Empty text gives one empty non-match.
    public func findMatches(in text: UnsafeBufferPointer<UInt8>) throws -> [(range: Range<Int>, isMatch: Bool)] {
        if text.isEmpty { return [(0..<0, false)] }
        var pieces: [(range: Range<Int>, isMatch: Bool)] = []
        var previous = 0
        try forEachMatch(in: text) { m in
            if previous != m.lowerBound { pieces.append((previous..<m.lowerBound, false)) }
            pieces.append((m, true))
            previous = m.upperBound
        }
        if previous != text.count { pieces.append((previous..<text.count, false)) }
        return pieces
    }

    /// `findMatches` over an array.
    public func splitPieces(_ bytes: [UInt8]) throws -> [(range: Range<Int>, isMatch: Bool)] {
        try bytes.withUnsafeBufferPointer { try findMatches(in: $0) }
    }

    // MARK: Oniguruma dialect

    /// Class items (`\x{41}-\x{5A}...`) for the code points whose `ReferenceUnicode` value
    /// satisfies `holds` (or does not, when `negated`).
    static func rangeItems(_ holds: @escaping (UInt16) -> Bool, negated: Bool = false) -> String {
        let ranges = ReferenceUnicode.ranges(negated ? { !holds($0) } : holds)
        var out = ""
        for r in ranges {
            // Surrogates are not scalars; PCRE2 rejects them in UTF mode.
            var pieces: [ClosedRange<UInt32>] = [r]
            if r.overlaps(0xD800...0xDFFF) {
                pieces = []
                if r.lowerBound < 0xD800 { pieces.append(r.lowerBound...0xD7FF) }
                if r.upperBound > 0xDFFF { pieces.append(0xE000...r.upperBound) }
            }
            for p in pieces {
                out += "\\x{" + String(p.lowerBound, radix: 16) + "}"
                if p.upperBound != p.lowerBound { out += "-\\x{" + String(p.upperBound, radix: 16) + "}" }
            }
        }
        return out
    }

    static func isWhiteSpace(_ v: UInt16) -> Bool { v & ReferenceUnicode.whiteSpaceBit != 0 }
    static func isWord(_ v: UInt16) -> Bool { v & ReferenceUnicode.onigWordBit != 0 }
    static func isDecimal(_ v: UInt16) -> Bool { v & 0x1F == 9 }

    /// Class items for Oniguruma's POSIX bracket classes under a Unicode encoding.
    static func posixItems(_ name: String) -> String? {
        switch name {
        case "alpha": return rangeItems { $0 & ReferenceUnicode.alphabeticBit != 0 }
        case "digit": return rangeItems(isDecimal)
        case "alnum": return rangeItems { $0 & ReferenceUnicode.alphabeticBit != 0 || $0 & 0x1F == 9 }
        case "space": return rangeItems(isWhiteSpace)
        case "upper": return rangeItems { $0 & ReferenceUnicode.upperBit != 0 }
        case "lower": return rangeItems { $0 & ReferenceUnicode.lowerBit != 0 }
        case "punct":
            // Oniguruma's Unicode [:punct:] is P and S.
            return rangeItems { v in
                let g = v & 0x1F
                return (g >= 19 && g <= 29)
            }
        case "xdigit": return "0-9A-Fa-f"
        case "word": return rangeItems(isWord)
        default: return nil
        }
    }

    /// Rewrites an Oniguruma (Ruby syntax) pattern into PCRE2 syntax with the same meaning for
    /// the constructs tokenizer.json files use: classes and general categories become explicit
    /// ranges from `ReferenceUnicode` (the Unicode version `tokenizers` has).
    static func translateOniguruma(_ pattern: String) -> String {
        let s = Array(pattern.unicodeScalars)
        var out = ""
        var i = 0
        var inClass = false
        var classStart = false  // just after `[` or `[^`: a `]` here is literal
        /// Items for a set: as they are inside a class, bracketed outside.
        func emit(_ items: String) { out += inClass ? items : items.isEmpty ? "(?!)" : "[" + items + "]" }
        while i < s.count {
            let c = s[i]
            if c == "\\" && i + 1 < s.count {
                let e = s[i + 1]
                i += 2
                classStart = false
                switch e {
                case "s": emit(rangeItems(isWhiteSpace))
                case "S": emit(rangeItems(isWhiteSpace, negated: true))
                case "d": emit(rangeItems(isDecimal))
                case "D": emit(rangeItems(isDecimal, negated: true))
                case "w": emit(rangeItems(isWord))
                case "W": emit(rangeItems(isWord, negated: true))
                case "b" where !inClass, "B" where !inClass:
                    // Word boundaries with Oniguruma's word characters.
                    let w = "[" + rangeItems(isWord) + "]"
                    out += e == "b" ? "(?:(?<=\(w))(?!\(w))|(?<!\(w))(?=\(w)))" : "(?:(?<=\(w))(?=\(w))|(?<!\(w))(?!\(w)))"
                case "u" where i + 4 <= s.count && s[i..<(i + 4)].allSatisfy({ $0.properties.isASCIIHexDigit }):
                    // Ruby's `\uHHHH`.
                    out += "\\x{" + String(String.UnicodeScalarView(s[i..<(i + 4)])) + "}"
                    i += 4
                case "h": emit("0-9A-Fa-f")
                case "H": emit(#"\x{0}-\x{2f}\x{3a}-\x{40}\x{47}-\x{60}\x{67}-\x{d7ff}\x{e000}-\x{10ffff}"#)
                case "p", "P":
                    // `\p{Name}`, `\p{^Name}`, `\P{Name}`.
                    if i < s.count && s[i] == "{", let close = s[i...].firstIndex(of: "}") {
                        var name = String(String.UnicodeScalarView(s[(i + 1)..<close]))
                        var negated = e == "P"
                        if name.hasPrefix("^") { negated.toggle(); name.removeFirst() }
                        if let holds = ReferenceUnicode.property(named: name) {
                            emit(rangeItems(holds, negated: negated))
                            i = close + 1
                            continue
                        }
                    }
                    out.unicodeScalars.append(c)
                    out.unicodeScalars.append(e)
                case "Q":
                    // A quoted literal runs to `\E` untouched.
                    out += "\\Q"
                    while i < s.count && !(s[i] == "\\" && i + 1 < s.count && s[i + 1] == "E") {
                        out.unicodeScalars.append(s[i])
                        i += 1
                    }
                default:
                    out.unicodeScalars.append(c)
                    out.unicodeScalars.append(e)
                }
                continue
            }
            if inClass {
                if c == "]" && !classStart {
                    inClass = false
                    out += "]"
                    i += 1
                    continue
                }
                if c == "[" && i + 1 < s.count && s[i + 1] == ":" {
                    // POSIX bracket `[:name:]`.
                    var j = i + 2
                    var name = ""
                    while j < s.count && s[j] != ":" && s[j] != "]" { name.unicodeScalars.append(s[j]); j += 1 }
                    if j + 1 < s.count && s[j] == ":" && s[j + 1] == "]", let items = posixItems(name) {
                        out += items
                        i = j + 2
                        classStart = false
                        continue
                    }
                }
                classStart = false
                out.unicodeScalars.append(c)
                i += 1
                continue
            }
            if c == "[" {
                inClass = true
                classStart = true
                out += "["
                i += 1
                if i < s.count && s[i] == "^" { out += "^"; i += 1 }
                continue
            }
            if c == "(" && i + 1 < s.count && s[i + 1] == "?" {
                // Inline options: Ruby's `m` is PCRE2's `s` (dot matches newline).
                var j = i + 2
                var flags = ""
                while j < s.count, "imx-".unicodeScalars.contains(s[j]) { flags.unicodeScalars.append(s[j]); j += 1 }
                if !flags.isEmpty && j < s.count && (s[j] == ")" || s[j] == ":") {
                    out += "(?" + flags.replacingEvery("m", with: "s")
                    i = j
                    continue
                }
            }
            out.unicodeScalars.append(c)
            i += 1
        }
        return out
    }
}

extension String {
    /// `self` with every occurrence of `target` replaced (no Foundation).
    func replacingEvery(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        let s = Array(utf8), t = Array(target.utf8), r = Array(replacement.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < s.count {
            if i + t.count <= s.count && s[i..<(i + t.count)].elementsEqual(t) {
                out += r
                i += t.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(decoding: out, as: Unicode.UTF8.self)
    }
}
