#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text a trainer reads: files, directories (every regular file below, in byte order of the
/// path), glob patterns, or `-` for standard input, streamed in chunks (files larger than memory
/// work in `.lines` mode).
///
/// In `.lines` mode every line is one sequence and keeps its line ending (`\n`, and a `\r`
/// before it), exactly as `tokenizers`' `Tokenizer.train(files)` reads files; a last line without
/// a newline is a sequence too. In `.documents` mode each whole file is one sequence.
/// A sequence that is not valid UTF-8 is skipped and counted (`WordCounts.skippedSequences`);
/// `tokenizers` stops with an error instead.
public struct TrainerInput: Sendable {
    /// What one training sequence is.
    public enum Unit: String, Sendable {
        case lines
        case documents
    }

    /// Resolved paths (`-` = standard input), in reading order.
    public let paths: [String]
    public let unit: Unit

    /// Resolves `arguments`: a directory stands for its regular files (recursively, sorted), a
    /// pattern with `*`, `?` or `[` for its matches (sorted); anything else must be a readable
    /// regular file or `-`. Throws `.io` naming the first argument that matches nothing.
    public init(_ arguments: [String], unit: Unit = .lines) throws {
        var out: [String] = []
        for a in arguments {
            if a == "-" { out.append(a); continue }
            if a.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) && !TrainerInput.exists(a) {
                let matches = TrainerInput.glob(a)
                if matches.isEmpty { throw TokenizerError(.io, "no file matches the pattern", at: a) }
                for m in matches { try TrainerInput.collect(m, into: &out) }
                continue
            }
            try TrainerInput.collect(a, into: &out)
        }
        if out.isEmpty { throw TokenizerError(.invalidArgument, "no input files") }
        paths = out
        self.unit = unit
    }

    /// Total size in bytes of the regular files (standard input counts as 0), for progress.
    public var totalBytes: Int {
        paths.reduce(0) { sum, p in
            var s = stat()
            return p != "-" && stat(p, &s) == 0 ? sum + Int(s.st_size) : sum
        }
    }

    static func exists(_ path: String) -> Bool {
        var s = stat()
        return stat(path, &s) == 0
    }

    static func collect(_ path: String, into out: inout [String]) throws {
        var s = stat()
        guard stat(path, &s) == 0 else {
            throw TokenizerError(.io, "cannot open file: \(String(cString: strerror(errno)))", at: path)
        }
        if (s.st_mode & S_IFMT) == S_IFDIR {
            var found: [String] = []
            try walk(path, into: &found)
            out += found.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        } else if (s.st_mode & S_IFMT) == S_IFREG {
            out.append(path)
        } else {
            throw TokenizerError(.io, "not a regular file or directory", at: path)
        }
    }

    static func walk(_ dir: String, into out: inout [String]) throws {
        guard let d = opendir(dir) else {
            throw TokenizerError(.io, "cannot open directory: \(String(cString: strerror(errno)))", at: dir)
        }
        defer { closedir(d) }
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: Unicode.UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let full = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            var s = stat()
            guard stat(full, &s) == 0 else { continue }
            if (s.st_mode & S_IFMT) == S_IFDIR { try walk(full, into: &out) } else if (s.st_mode & S_IFMT) == S_IFREG { out.append(full) }
        }
    }

    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Calls `body` with consecutive chunks of the input: in `.lines` mode each chunk holds whole
    /// lines (about `chunkSize` bytes; a longer line makes a longer chunk) and never spans two
    /// files; in `.documents` mode each chunk is one whole file. Throws `.io` for unreadable files.
    public func forEachChunk(chunkSize: Int = 4 << 20, _ body: ([UInt8]) throws -> Void) throws {
        for path in paths {
            let fd: Int32 = path == "-" ? 0 : open(path, O_RDONLY)
            guard fd >= 0 else {
                throw TokenizerError(.io, "cannot open file: \(String(cString: strerror(errno)))", at: path)
            }
            defer { if fd != 0 { close(fd) } }
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: Swift.max(1 << 16, chunkSize))
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TokenizerError(.io, "cannot read file: \(String(cString: strerror(errno)))", at: path)
                }
                if n == 0 { break }
                pending.append(contentsOf: buffer[0..<n])
                if unit == .lines && pending.count >= chunkSize {
                    // Cut after the last newline; keep the rest for the next chunk.
                    if let last = pending.lastIndex(of: 0x0A) {
                        let rest = Array(pending[(last + 1)...])
                        pending.removeSubrange((last + 1)...)
                        try body(pending)
                        pending = rest
                    }
                }
            }
            if !pending.isEmpty { try body(pending) }
        }
    }
}
