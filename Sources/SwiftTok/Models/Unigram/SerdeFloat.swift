/// The f64 that `serde_json` (as `tokenizers` builds it, without `float_roundtrip`) reads for the
/// number whose shortest decimal form is that of `value`.
///
/// serde_json's default parser is not correctly rounded: it reads the digits as a `u64`, converts
/// that to f64 and divides (or multiplies) by the f64 power of ten, so a score such as
/// -12.130167007446289 (17 digits, above 2^53) may land one ulp away from the nearest double. The
/// Viterbi's ties then break differently, so the Unigram reader must read scores the same way.
/// Files written by `tokenizers` or Python hold the shortest form, which Swift's `description` gives.
enum SerdeFloat {
    static let pow10: [Double] = (0...308).map { Double("1e\($0)") ?? .infinity }

    static func read(_ value: Double) -> Double {
        guard value.isFinite, value != 0 else { return value }
        let text = Array(value.magnitude.description.utf8)
        var significand: UInt64 = 0
        var exponent = 0
        var overflowed = false
        var i = 0
        var seenPoint = false
        while i < text.count, text[i] != UInt8(ascii: "e"), text[i] != UInt8(ascii: "E") {
            let c = text[i]
            i += 1
            if c == UInt8(ascii: ".") { seenPoint = true; continue }
            guard (0x30...0x39).contains(c) else { return value }
            let digit = UInt64(c - 0x30)
            if overflowed {
                if !seenPoint { exponent += 1 }  // integer digits past the u64 scale the value
                continue
            }
            let (m, o1) = significand.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(digit)
            if o1 || o2 {
                overflowed = true
                if !seenPoint { exponent += 1 }
                continue
            }
            significand = s
            if seenPoint { exponent -= 1 }
        }
        if i < text.count {
            i += 1
            var negative = false
            if i < text.count, text[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if i < text.count, text[i] == UInt8(ascii: "+") { i += 1 }
            var e = 0
            while i < text.count, (0x30...0x39).contains(text[i]) { e = e * 10 + Int(text[i] - 0x30); i += 1 }
            exponent += negative ? -e : e
        }
        var f = Double(significand)
        while true {
            let k = exponent.magnitude
            if k < UInt(pow10.count) {
                if exponent >= 0 { f *= pow10[Int(k)] } else { f /= pow10[Int(k)] }
                break
            }
            if f == 0 { break }
            if exponent >= 0 { return value }  // out of range: keep the value
            f /= 1e308
            exponent += 308
        }
        return value < 0 ? -f : f
    }
}
