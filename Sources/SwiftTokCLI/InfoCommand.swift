import ArgumentParser
import SwiftTok

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Describe a tokenizer: model type, vocabulary size, components.")

    @Argument(help: "A tokenizer.json, .tiktoken file, Llama 3 tokenizer.model or SentencePiece .model.") var file: String

    func run() throws {
        let tokenizer: Tokenizer
        do { tokenizer = try Tokenizer(contentsOfFile: file) } catch let e as TokenizerError {
            throw CLIError("cannot load tokenizer: \(e)")
        }
        if let sp = tokenizer.sentencePiece {
            describeSentencePiece(sp)
            return
        }
        func describe(_ j: JSON?) -> String {
            guard let j, case .object(let o) = j else { return "none" }
            let type = o["type"]?.stringValue ?? "?"
            for key in ["normalizers", "pretokenizers", "processors", "decoders"] {
                if case .array(let items)? = o[key] { return "\(type)[\(items.map { describe($0) }.joined(separator: ", "))]" }
            }
            return type
        }
        let j = tokenizer.json.objectValue
        var out = Output()
        out.write("file:           \(file)\n")
        out.write("model:          \(describe(j?["model"]))\n")
        out.write("vocab size:     \(tokenizer.vocabSize) (model \(tokenizer.model.vocabSize), added \(tokenizer.addedVocabulary.tokens.count))\n")
        out.write("normalizer:     \(describe(j?["normalizer"]))\n")
        out.write("pre-tokenizer:  \(describe(j?["pre_tokenizer"]))\n")
        out.write("post-processor: \(describe(j?["post_processor"]))\n")
        out.write("decoder:        \(describe(j?["decoder"]))\n")
        let specials = tokenizer.addedVocabulary.tokens.filter(\.special)
        out.write("special tokens: \(specials.count)\(specials.isEmpty ? "" : " (" + specials.prefix(8).map(\.content).joined(separator: " ") + (specials.count > 8 ? " …" : "") + ")")\n")
        out.flush()
    }

    /// The `.model` view: model type, normalizer spec and piece type counts.
    func describeSentencePiece(_ sp: SentencePiece) {
        let p = sp.proto
        var counts: [SentencePieceModelProto.PieceType: Int] = [:]
        for piece in p.pieces { counts[piece.type, default: 0] += 1 }
        let typeCounts = SentencePieceModelProto.PieceType.allCases.compactMap { t in counts[t].map { "\(t.name) \($0)" } }
        let n = p.normalizerSpec
        var out = Output()
        out.write("file:           \(file)\n")
        out.write("format:         SentencePiece ModelProto\n")
        out.write("model:          \(p.trainerSpec.modelType.name)\(p.trainerSpec.byteFallback ? " (byte_fallback)" : "")\n")
        out.write("pieces:         \(sp.pieceCount)\n")
        out.write("piece types:    \(typeCounts.joined(separator: ", "))\n")
        out.write("normalizer:     \(n.name.isEmpty ? "(unnamed)" : n.name), charsmap \(n.precompiledCharsmap.count) bytes, add_dummy_prefix \(n.addDummyPrefix), remove_extra_whitespaces \(n.removeExtraWhitespaces), escape_whitespaces \(n.escapeWhitespaces)\n")
        if let d = p.denormalizerSpec { out.write("denormalizer:   \(d.name), charsmap \(d.precompiledCharsmap.count) bytes\n") }
        out.write("whitespace:     treat_whitespace_as_suffix \(p.trainerSpec.treatWhitespaceAsSuffix)\n")
        let t = p.trainerSpec
        func special(_ name: String, _ piece: String) -> String {
            let id = sp.pieceToId(piece)
            return sp.idToPiece(id) == piece ? "\(name) \(piece)=\(id)" : "\(name) none"
        }
        out.write("specials:       \([special("unk", t.unkPiece), special("bos", t.bosPiece), special("eos", t.eosPiece), special("pad", t.padPiece)].joined(separator: ", "))\n")
        out.flush()
    }
}
