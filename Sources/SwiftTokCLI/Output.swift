#if canImport(Glibc)
import Glibc
#endif
import SwiftTok

/// Buffered writing to standard output and error.
struct Output {
    var buffer: [UInt8] = []

    mutating func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count > 1 << 16 { flush() }
    }

    /// `ids` as a compact JSON array and a newline: `[1,2,3]` (the bytes orjson.dumps gives a list of ints).
    mutating func writeIds(_ ids: [UInt32]) {
        buffer.append(UInt8(ascii: "["))
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        for (k, id) in ids.enumerated() {
            if k > 0 { buffer.append(UInt8(ascii: ",")) }
            // At most 10 decimal digits, written right to left.
            var v = id
            var n = 0
            withUnsafeMutableBytes(of: &digits) { d in
                repeat {
                    d[9 - n] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                    n += 1
                } while v > 0
                buffer.append(contentsOf: d[(10 - n)...])
            }
        }
        buffer.append(UInt8(ascii: "]"))
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        if buffer.isEmpty { return }
        Output.writeAll(fd: 1, buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    static func error(_ s: String) {
        writeAll(fd: 2, Array((s + "\n").utf8))
    }

    /// Writes all of `bytes` to a file descriptor, retrying short writes.
    static func writeAll(fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { p in
            var done = 0
            while done < p.count {
                let n = Glibc.write(fd, p.baseAddress! + done, p.count - done)  // Safe: count > 0 here.
                if n <= 0 { if errno == EINTR { continue }; return }
                done += n
            }
        }
    }
}

extension Encoding {
    /// This encoding as the JSON object the `--jsonl` mode writes (keys as tokenizers' Python `Encoding`).
    func jsonObject() -> JSON {
        var o = JSONObject([
            ("ids", .array(ids.map { .int(Int64($0)) })),
            ("tokens", .array(tokens.map { .string($0) })),
            ("offsets", .array(offsets.map { .array([.int(Int64($0.0)), .int(Int64($0.1))]) })),
            ("type_ids", .array(typeIds.map { .int(Int64($0)) })),
            ("attention_mask", .array(attentionMask.map { .int(Int64($0)) })),
            ("special_tokens_mask", .array(specialTokensMask.map { .int(Int64($0)) })),
            ("word_ids", .array(wordIds.map { $0.map { .int(Int64($0)) } ?? .null })),
        ])
        o["overflowing"] = .array(overflowing.map { $0.jsonObject() })
        return .object(o)
    }
}

/// All of standard input, as raw bytes (never repaired: invalid UTF-8 stays visible).
func readStandardInput() -> [UInt8] {
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        out.append(contentsOf: chunk[0..<n])
    }
    return out
}

/// Standard input split into lines (without their "\n", and without a trailing "\r").
func readLines() -> [[UInt8]] {
    let all = readStandardInput()
    var lines: [[UInt8]] = []
    var start = 0
    for (i, b) in all.enumerated() where b == 0x0A {
        var end = i
        if end > start && all[end - 1] == 0x0D { end -= 1 }
        lines.append(Array(all[start..<end]))
        start = i + 1
    }
    if start < all.count { lines.append(Array(all[start...])) }
    return lines
}
