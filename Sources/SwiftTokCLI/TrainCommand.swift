import ArgumentParser
import SwiftTok

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train a tokenizer (in progress).")
    func run() throws { throw CLIError("not yet") }
}
