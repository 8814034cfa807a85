import ArgumentParser
import SwiftTok

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Describe a tokenizer: model type, vocabulary size, components.")

    @Argument(help: "A tokenizer.json, .tiktoken file or Llama 3 tokenizer.model.") var file: String

    func run() throws {
        let tokenizer: Tokenizer
        do { tokenizer = try Tokenizer(contentsOfFile: file) } catch let e as TokenizerError {
            throw CLIError("cannot load tokenizer: \(e)")
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
}
