import SwiftTok

/// How token states become one sentence vector, as sentence-transformers' `Pooling` module
/// (`1_Pooling/config.json`) and an optional `Normalize` module (`modules.json`) describe.
public struct Pooling: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// The average of the attended token states (`pooling_mode_mean_tokens`).
        case mean
        /// The first token's state (`pooling_mode_cls_token`).
        case cls
        /// The element-wise maximum over attended tokens (`pooling_mode_max_tokens`).
        case max
        /// The sum divided by √(token count) (`pooling_mode_mean_sqrt_len_tokens`).
        case meanSqrtLen = "mean_sqrt_len"
    }

    public var mode: Mode
    /// Divide the pooled vector by its L2 norm.
    public var normalize: Bool

    public init(mode: Mode = .mean, normalize: Bool = true) {
        self.mode = mode
        self.normalize = normalize
    }

    /// Reads a sentence-transformers directory; without `1_Pooling/config.json`, mean pooling.
    /// Normalization is on when `modules.json` lists `sentence_transformers.models.Normalize`.
    public init(directory: String) throws {
        mode = .mean
        normalize = false
        if let bytes = try? FileIO.read(directory + "/1_Pooling/config.json") {
            let path = directory + "/1_Pooling/config.json"
            let f = try JSONFields(try JSON.parse(bytes), path: "\(path): $")
            let modes: [(String, Mode)] = [("pooling_mode_cls_token", .cls), ("pooling_mode_mean_tokens", .mean),
                                           ("pooling_mode_max_tokens", .max), ("pooling_mode_mean_sqrt_len_tokens", .meanSqrtLen)]
            let on = try modes.filter { try f.bool($0.0, default: false) }
            guard on.count == 1 else {
                throw TokenizerError(.unsupported, "exactly one pooling mode must be on (found \(on.map(\.0)))", at: path)
            }
            mode = on[0].1
        }
        if let bytes = try? FileIO.read(directory + "/modules.json") {
            guard case .array(let modules) = try JSON.parse(bytes) else {
                throw TokenizerError(.invalidField, "modules.json must be an array", at: directory + "/modules.json")
            }
            normalize = modules.contains { $0.objectValue?["type"]?.stringValue == "sentence_transformers.models.Normalize" }
        }
    }

    /// Pools `states` (`[count, dim]`, row-major) over the tokens whose `mask` entry is non-zero.
    public func pool(_ states: [Float], dim: Int, mask: [UInt32]? = nil) -> [Float] {
        let count = dim == 0 ? 0 : states.count / dim
        var out = [Float](repeating: 0, count: dim)
        let attended = (0..<count).filter { (mask?[$0] ?? 1) != 0 }
        switch mode {
        case .cls:
            if count > 0 { out = Array(states[0..<dim]) }
        case .max:
            if attended.isEmpty { break }
            out = [Float](repeating: -.infinity, count: dim)
            for r in attended { for c in 0..<dim { out[c] = Swift.max(out[c], states[r * dim + c]) } }
        case .mean, .meanSqrtLen:
            // Sums in Double so that long inputs lose nothing to the summation order.
            var sum = [Double](repeating: 0, count: dim)
            for r in attended { for c in 0..<dim { sum[c] += Double(states[r * dim + c]) } }
            let n = Double(Swift.max(1, attended.count))
            let divisor = mode == .mean ? n : n.squareRoot()
            out = sum.map { Float($0 / divisor) }
        }
        return normalize ? Pooling.l2Normalized(out) : out
    }

    /// `v / max(‖v‖, 1e-12)`, as `torch.nn.functional.normalize`.
    public static func l2Normalized(_ v: [Float]) -> [Float] {
        var s: Double = 0
        for x in v { s += Double(x) * Double(x) }
        let norm = Swift.max(s.squareRoot(), 1e-12)
        return v.map { Float(Double($0) / norm) }
    }
}
