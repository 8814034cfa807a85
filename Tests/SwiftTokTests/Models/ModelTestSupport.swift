#if canImport(Glibc)
import Glibc
#endif
@testable import SwiftTok

/// Paths and loaders shared by the model tests.
enum ModelTestSupport {
    /// The repository root, from this file's path (Tests/SwiftTokTests/Models/…).
    static let repoRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/")
    }()

    static let fixtures = repoRoot + "/Tests/SwiftTokTests/Models/Fixtures"

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// The shared vocabularies and corpora (`../shared` beside the repository), or nil when
    /// absent, which makes the tests that need them skip.
    static let shared: String? = {
        for candidate in [repoRoot + "/../shared", repoRoot + "/../../shared"] where exists(candidate + "/vocab") {
            return candidate
        }
        return nil
    }()

    static var hasShared: Bool { shared != nil }

    /// The `model` of a shared tokenizer.json.
    static func model(_ name: String) throws -> Model {
        let root = try JSON.parse(try FileIO.read("\(shared ?? "")/vocab/\(name)/tokenizer.json"))
        guard case .object(let o) = root, let m = o["model"] else {
            throw TokenizerError(.missingField, "no model in \(name)")
        }
        return try Model(json: m, path: "$.model")
    }

    /// The fixture's cases (`[piece, ids, offsets?]`).
    static func cases(_ file: String) throws -> [[JSON]] {
        let root = try JSON.parse(try FileIO.read("\(fixtures)/\(file)"))
        guard case .object(let o) = root, case .array(let items)? = o["cases"] else { return [] }
        return items.compactMap(\.arrayValue)
    }

    static func ints(_ json: JSON) -> [Int] { json.arrayValue?.compactMap(\.intValue) ?? [] }
}
