#if canImport(Glibc)
import Glibc
#endif
import CSwiftTokABI
import SwiftTok

// Swift arrays trap when an allocation fails, which would abort the caller's process. The calls
// whose working memory grows with their input ask for that memory first and return
// SWIFTTOK_ERROR_OUT_OF_MEMORY when it cannot be had (include/swifttok.h, "Huge inputs").

/// Working memory per unit of input, from peak-RSS measurements with real vocabularies, rounded up
/// about 1.2x to 2x: an ids-only encode or a count per input byte (a SentencePiece .model: 31x to
/// 55x; one 10 MB word through byte-level BPE: 29x; the fast paths on prose: 1x to 3x), a full
/// encoding (tokens, offsets, masks, then the handle's C copies) per token (about 400 bytes),
/// a decode per id.
enum WorkingMemory {
    static let idsPerByte = 64
    static let encodingPerToken = 512
    static let decodePerId = 64
    /// Below this many units the probe is skipped: what the call needs is then small enough that
    /// failing to get it means the process is failing anyway, and a short call stays short.
    static let probeFrom = 1 << 16
}

/// Throws OUT_OF_MEMORY unless `units * perUnit` bytes can be had right now. Swift arrays trap
/// when an allocation fails, so a call whose arrays grow with its input asks first and reports the
/// failure instead of aborting the caller's process. It cannot promise (another thread may take
/// the memory in between, and with overcommit the kernel may still kill the process later), but
/// it turns an address-space or ulimit cap into a status.
func requireMemory(_ units: Int, perUnit: Int, _ what: @autoclosure () -> String) throws(CError) {
    guard units >= WorkingMemory.probeFrom else { return }
    let (bytes, overflow) = units.multipliedReportingOverflow(by: perUnit)
    // Mapped and unmapped as malloc maps blocks this large (so under the same limits and
    // overcommit accounting), not malloc and free: the optimizer deletes a malloc whose block is
    // only freed, assuming it succeeded. The pages are never touched.
    let p = overflow ? MAP_FAILED : mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
    guard let p, p != MAP_FAILED else {
        throw CError(SWIFTTOK_ERROR_OUT_OF_MEMORY,
                     "out of memory: \(what()) needs about \(overflow ? "more than \(Int.max)" : "\(bytes)") bytes of working memory")
    }
    munmap(p, bytes)
}

/// Probes the memory of an ids-only encode or count of `bytes` input bytes.
func requireIdsMemory(_ bytes: Int) throws(CError) {
    try requireMemory(bytes, perUnit: WorkingMemory.idsPerByte, "encoding \(bytes) bytes")
}

extension TokenizerHandle {
    /// Probes the memory a full Encoding of `texts` needs, from its token count: the count is the
    /// ids-only path (probed itself, far less memory), on the tokenizer without truncation or
    /// padding because the overflowing parts keep every token. Costs a count on inputs of
    /// WorkingMemory.probeFrom bytes or more, nothing below. An error from the count is left for
    /// the encode itself to report. `copies`: encodings of that size the call makes (n-best lists).
    func requireEncodingMemory(_ texts: [UInt8]?..., copies: Int = 1) throws(CError) {
        let total = texts.reduce(0) { $0 + ($1?.count ?? 0) }
        guard total >= WorkingMemory.probeFrom else { return }
        try requireMemory(total, perUnit: WorkingMemory.idsPerByte, "counting the tokens of \(total) bytes")
        var tokens = 0
        for case let text? in texts {
            guard let n = try? text.withUnsafeBufferPointer({ b in
                try plain.encodeIds(b, addSpecialTokens: false, into: UnsafeMutableBufferPointer(start: nil, count: 0))
            }) else { return }
            tokens += n
        }
        try requireMemory(tokens, perUnit: WorkingMemory.encodingPerToken * copies,
                          copies == 1 ? "an encoding of \(tokens) tokens" : "\(copies) encodings of about \(tokens) tokens")
    }
}
