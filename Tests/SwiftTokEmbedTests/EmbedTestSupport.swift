#if canImport(Glibc)
import Glibc
#endif
import SwiftTok
@testable import SwiftTokEmbed

/// Paths to the shared model and small helpers shared by the encoder tests.
enum EmbedTestSupport {
    /// The repository root, from this file's path (Tests/SwiftTokEmbedTests/…).
    static let repoRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// `../shared/models/all-MiniLM-L6-v2` beside the repository (or one level up), or nil when absent.
    static let modelDirectory: String? = {
        for shared in [repoRoot + "/../shared", repoRoot + "/../../shared"] {
            let dir = shared + "/models/all-MiniLM-L6-v2"
            if exists(dir + "/model.safetensors") { return dir }
        }
        return nil
    }()

    static var hasModel: Bool { modelDirectory != nil }

    /// The embedder, loaded once for all tests.
    static let embedder: Result<SentenceEmbedder, Error> = Result {
        guard let dir = modelDirectory else { throw TokenizerError(.io, "no model") }
        return try SentenceEmbedder(directory: dir)
    }

    static func json(_ relative: String) throws -> JSON {
        try JSON.parse(try FileIO.read((modelDirectory ?? "") + "/" + relative))
    }

    static func floats(_ j: JSON?) -> [Float] { j?.arrayValue?.compactMap { $0.doubleValue.map(Float.init) } ?? [] }

    /// TEI's YAML snapshot: each "- - x" starts a vector, each "  - x" continues it.
    static func snapshot(_ name: String) throws -> [[Float]] {
        let text = String(decoding: try FileIO.read((modelDirectory ?? "") + "/reference/tei/" + name), as: UTF8.self)
        var vectors: [[Float]] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("- - "), let v = Float(line.dropFirst(4)) {
                vectors.append([v])
            } else if line.hasPrefix("  - "), let v = Float(line.dropFirst(4)), !vectors.isEmpty {
                vectors[vectors.count - 1].append(v)
            }
        }
        return vectors
    }

    static func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).map { abs(Double($0) - Double($1)) }.max() ?? 0
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var ab = 0.0, aa = 0.0, bb = 0.0
        for (x, y) in zip(a, b) { ab += Double(x) * Double(y); aa += Double(x) * Double(x); bb += Double(y) * Double(y) }
        return ab / (aa.squareRoot() * bb.squareRoot())
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() -> String {
        var template = Array("/tmp/swifttok-embed-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer -> String in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return "/tmp" }
            return String(cString: base)
        }
    }

    /// Deterministic pseudo-random floats in [-1, 1) (a 64-bit LCG), for kernel tests.
    static func randomFloats(_ n: Int, seed: UInt64) -> [Float] {
        var s = seed
        return (0..<n).map { _ in
            s = s &* 6364136223846793005 &+ 1442695040888963407  // Safe: wrapping is the generator.
            return Float(Int64(bitPattern: s >> 11) % (1 << 24)) / Float(1 << 23) - 1
        }
    }
}
