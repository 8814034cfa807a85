internal import CPCRE2

/// A compiled PCRE2 regular expression (UTF and Unicode properties on, JIT when available),
/// used for `Split` patterns and regex `Replace`. Immutable and shareable across threads: match
/// data is allocated per call.
public final class Regex: Sendable {
    public let pattern: String
    // Sendable: the compiled code is immutable after init and PCRE2 allows concurrent matching
    // with separate match data.
    nonisolated(unsafe) let code: OpaquePointer

    /// Compiles `pattern`; throws `.regex` with PCRE2's message and offset.
    public init(_ pattern: String) throws {
        self.pattern = pattern
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let bytes = Array(pattern.utf8)
        let options = UInt32(PCRE2_UTF) | UInt32(PCRE2_UCP)
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
    /// An empty match advances by one scalar, as Oniguruma's and Rust's iterators do.
    public func matches(in text: UnsafeBufferPointer<UInt8>) throws -> [Range<Int>] {
        guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else {
            throw TokenizerError(.regex, "out of memory for regex match data")
        }
        defer { pcre2_match_data_free_8(data) }
        var result: [Range<Int>] = []
        var start = 0
        let subject = text.baseAddress ?? UnsafePointer<UInt8>(bitPattern: 1)!  // Safe: length 0 is never read.
        while start <= text.count {
            // Input is validated UTF-8 once at the API boundary, so skip PCRE2's per-call check.
            let rc = pcre2_match_8(code, subject, text.count, start, UInt32(PCRE2_NO_UTF_CHECK), data, nil)
            if rc == PCRE2_ERROR_NOMATCH { break }
            if rc < 0 {
                throw TokenizerError(.regex, "regex /\(pattern)/ failed to match (PCRE2 error \(rc))")
            }
            let ovector = pcre2_get_ovector_pointer_8(data)!  // Safe: match data always has an ovector.
            let s = Int(ovector[0])
            let e = Int(ovector[1])
            result.append(s..<e)
            if e > s {
                start = e
            } else {
                if e >= text.count { break }
                start = e + UTF8.sequenceLength(lead: text[e])
            }
        }
        return result
    }

    /// Matches in `bytes`, as `(range, isMatch)` pieces covering the whole text, the form
    /// `NormalizedString.split` takes. Empty text gives one empty non-match.
    public func splitPieces(_ bytes: [UInt8]) throws -> [(range: Range<Int>, isMatch: Bool)] {
        if bytes.isEmpty { return [(0..<0, false)] }
        let found = try bytes.withUnsafeBufferPointer { try matches(in: $0) }
        var pieces: [(range: Range<Int>, isMatch: Bool)] = []
        pieces.reserveCapacity(found.count * 2 + 1)
        var previous = 0
        for m in found {
            if previous != m.lowerBound { pieces.append((previous..<m.lowerBound, false)) }
            pieces.append((m, true))
            previous = m.upperBound
        }
        if previous != bytes.count { pieces.append((previous..<bytes.count, false)) }
        return pieces
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
