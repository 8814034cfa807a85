extension Decoders {
    /// `ByteFallback` turns runs of `<0xNN>` tokens into text: a run that is valid UTF-8 gives
    /// one string; an invalid run gives one U+FFFD per byte (`TokenDecoder.byteFallback`).
    public enum ByteFallback {
        /// The byte a `<0xNN>` token stands for (as Rust's `u8::from_str_radix`, so a leading
        /// '+' is allowed), or nil.
        static func byte(_ token: String) -> UInt8? {
            let u = token.utf8
            guard u.count == 6, token.hasPrefixBytes("<0x"), u.last == UInt8(ascii: ">") else { return nil }
            let i = u.index(u.startIndex, offsetBy: 3)
            let a = u[i], b = u[u.index(after: i)]
            guard let lo = hex(b) else { return nil }
            if a == UInt8(ascii: "+") { return lo }
            guard let hi = hex(a) else { return nil }
            return hi << 4 | lo
        }

        static func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }

        /// The tokens with each `<0xNN>` run replaced as described above.
        public static func decodeChain(_ tokens: [String]) -> [String] {
            var out: [String] = []
            out.reserveCapacity(tokens.count)
            var run: [UInt8] = []
            func flush() {
                guard !run.isEmpty else { return }
                if let s = run.withUnsafeBufferPointer({ validatedString($0) }) {
                    out.append(s)
                } else {
                    out.append(contentsOf: repeatElement("\u{FFFD}", count: run.count))
                }
                run.removeAll(keepingCapacity: true)
            }
            for token in tokens {
                if let b = byte(token) {
                    run.append(b)
                } else {
                    flush()
                    out.append(token)
                }
            }
            flush()
            return out
        }
    }
}
