#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftTok

/// A safetensors file: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the tensor bytes. The file is memory-mapped; every header
/// field is checked when it is opened, so reading a tensor later cannot go out of bounds.
public struct SafeTensors: Sendable {
    /// The element types of the format; `F32`, `F16` and `BF16` can be read as `Float`.
    public enum DType: String, Sendable, CaseIterable {
        case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"
        case u16 = "U16", u32 = "U32", u64 = "U64", f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .f64, .i64, .u64: return 8
            case .f32, .i32, .u32: return 4
            case .f16, .bf16, .i16, .u16: return 2
            case .i8, .u8, .bool, .f8e4m3, .f8e5m2: return 1
            }
        }
    }

    /// One tensor's entry in the header.
    public struct TensorInfo: Sendable, Equatable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        /// The tensor's bytes, relative to the start of the data section.
        public let byteRange: Range<Int>
        public var count: Int { shape.reduce(1, *) }
    }

    /// The tensors by name.
    public let tensors: [String: TensorInfo]
    /// The header's `__metadata__` (string to string), if any.
    public let metadata: [String: String]
    /// Where the file came from, for error messages.
    public let source: String
    let storage: Storage

    /// The bytes behind a SafeTensors value: a read-only memory map, or an owned copy.
    final class Storage: @unchecked Sendable {
        // @unchecked: the bytes are never written after init; unmapped/freed only in deinit.
        let base: UnsafeRawPointer
        let count: Int
        let mapped: Bool

        init(mapping base: UnsafeRawPointer, count: Int) {
            self.base = base
            self.count = count
            mapped = true
        }

        init(copying bytes: [UInt8]) {
            let p = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, bytes.count), alignment: 16)
            bytes.withUnsafeBytes { if let b = $0.baseAddress { p.copyMemory(from: b, byteCount: bytes.count) } }
            base = UnsafeRawPointer(p)
            count = bytes.count
            mapped = false
        }

        deinit {
            if mapped {
                if count > 0 { munmap(UnsafeMutableRawPointer(mutating: base), count) }
            } else {
                UnsafeMutableRawPointer(mutating: base).deallocate()
            }
        }
    }

    /// Opens and memory-maps the file at `path`, checking its header.
    public init(contentsOfFile path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw TokenizerError(.io, "cannot open file: \(String(cString: strerror(errno)))", at: path)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw TokenizerError(.io, "cannot stat file: \(String(cString: strerror(errno)))", at: path)
        }
        let size = Int(st.st_size)
        guard size >= 8 else {
            throw TokenizerError(.invalidField, "truncated safetensors file: \(size) bytes, the header length alone needs 8", at: path)
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw TokenizerError(.io, "cannot map file: \(String(cString: strerror(errno)))", at: path)
        }
        try self.init(storage: Storage(mapping: UnsafeRawPointer(p), count: size), source: path)
    }

    /// Reads a safetensors image held in memory (a copy is kept).
    public init(bytes: [UInt8], source: String = "<memory>") throws {
        guard bytes.count >= 8 else {
            throw TokenizerError(.invalidField, "truncated safetensors file: \(bytes.count) bytes, the header length alone needs 8", at: source)
        }
        try self.init(storage: Storage(copying: bytes), source: source)
    }

    init(storage: Storage, source: String) throws {
        self.storage = storage
        self.source = source
        let size = storage.count
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(storage.base.load(fromByteOffset: i, as: UInt8.self)) << (8 * UInt64(i)) }
        guard n <= UInt64(size - 8) else {
            throw TokenizerError(.invalidField, "truncated safetensors file: the header is \(n) bytes but only \(size - 8) follow the length", at: source)
        }
        guard n <= 100_000_000 else {
            throw TokenizerError(.invalidField, "safetensors header of \(n) bytes is larger than the format's 100 MB limit", at: source)
        }
        let headerLength = Int(n)
        let header = [UInt8](UnsafeRawBufferPointer(start: storage.base + 8, count: headerLength))
        let json: JSON
        do {
            json = try JSON.parse(header)
        } catch let e as TokenizerError {
            throw TokenizerError(.malformedJSON, "bad safetensors header: \(e)", at: source)
        }
        guard case .object(let object) = json else {
            throw TokenizerError(.invalidField, "bad safetensors header: expected a JSON object, found \(json.kindName)", at: source)
        }
        let dataStart = 8 + headerLength
        let dataSize = size - dataStart
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for key in object.keys {
            guard let value = object[key] else { continue }
            let at = "\(source): $.\(key)"
            if key == "__metadata__" {
                guard case .object(let m) = value else {
                    throw TokenizerError(.invalidField, "__metadata__ must be an object of strings", at: at)
                }
                for k in m.keys {
                    guard let s = m[k]?.stringValue else {
                        throw TokenizerError(.invalidField, "__metadata__ values must be strings", at: "\(at).\(k)")
                    }
                    metadata[k] = s
                }
                continue
            }
            let fields = try JSONFields(value, path: at)
            let dtypeName = try fields.string("dtype")
            guard let dtype = DType(rawValue: dtypeName) else {
                throw TokenizerError(.unsupported, "unknown dtype '\(dtypeName)'", at: "\(at).dtype")
            }
            var shape: [Int] = []
            for d in try fields.array("shape") {
                guard let i = d.intValue, i >= 0 else {
                    throw TokenizerError(.invalidField, "shape entries must be non-negative integers", at: "\(at).shape")
                }
                shape.append(i)
            }
            let offsets = try fields.array("data_offsets")
            guard offsets.count == 2, let begin = offsets[0].intValue, let end = offsets[1].intValue, 0 <= begin, begin <= end else {
                throw TokenizerError(.invalidField, "data_offsets must be [begin, end] with 0 <= begin <= end", at: "\(at).data_offsets")
            }
            var elements = 1
            for d in shape {
                let (m, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow else { throw TokenizerError(.invalidField, "shape \(shape) is too large", at: "\(at).shape") }
                elements = m
            }
            let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.size)
            guard !overflow, bytes == end - begin else {
                throw TokenizerError(.invalidField, "data_offsets [\(begin), \(end)] hold \(end - begin) bytes but \(dtype.rawValue) \(shape) needs \(elements) × \(dtype.size)", at: "\(at).data_offsets")
            }
            guard end <= dataSize else {
                throw TokenizerError(.invalidField, "truncated safetensors file: tensor '\(key)' ends at data byte \(end) but the data section has \(dataSize) bytes", at: source)
            }
            tensors[key] = TensorInfo(name: key, dtype: dtype, shape: shape, byteRange: begin..<end)
        }
        // The format stores tensors back to back; overlapping ranges mean a corrupt header.
        let sorted = tensors.values.sorted { ($0.byteRange.lowerBound, $0.name) < ($1.byteRange.lowerBound, $1.name) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.byteRange.lowerBound < a.byteRange.upperBound {
            throw TokenizerError(.invalidField, "tensors '\(a.name)' and '\(b.name)' overlap in the data section", at: source)
        }
        self.tensors = tensors
        self.metadata = metadata
        dataOffset = dataStart
    }

    /// Where the data section starts in the file.
    let dataOffset: Int

    /// The entry of tensor `name`, or a `.missingField` error naming it.
    public func info(_ name: String) throws -> TensorInfo {
        guard let t = tensors[name] else {
            throw TokenizerError(.missingField, "missing tensor '\(name)'", at: source)
        }
        return t
    }

    /// Tensor `name` as `Float`s (converted from F32, F16 or BF16), after checking its shape.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        let t = try info(name)
        guard t.shape == shape else {
            throw TokenizerError(.invalidField, "tensor '\(name)' has shape \(t.shape), expected \(shape)", at: source)
        }
        return try floats(t)
    }

    /// The elements of `t` as `Float`s; other dtypes than F32, F16 and BF16 are `.unsupported`.
    public func floats(_ t: TensorInfo) throws -> [Float] {
        let p = storage.base + dataOffset + t.byteRange.lowerBound
        let n = t.count
        switch t.dtype {
        case .f32:
            return [Float](unsafeUninitializedCapacity: n) { out, count in
                if n > 0, let dst = out.baseAddress { UnsafeMutableRawPointer(dst).copyMemory(from: p, byteCount: n * 4) }
                #if _endian(big)
                for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: out[i].bitPattern)) }
                #endif
                count = n
            }
        case .f16:
            return (0..<n).map { i in Float16Bits.float(fromHalf: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        case .bf16:
            return (0..<n).map { i in Float16Bits.float(fromBFloat16: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        default:
            throw TokenizerError(.unsupported, "tensor '\(t.name)' is \(t.dtype.rawValue); only F32, F16 and BF16 are read as floats", at: source)
        }
    }
}

/// Bit-level conversions of the 16-bit float formats to `Float` (exact: both widen losslessly).
public enum Float16Bits {
    /// IEEE 754 binary16: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits.
    @inlinable
    public static func float(fromHalf h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1F
        let fraction = UInt32(h & 0x3FF)
        if exponent == 0 {
            // Zero or subnormal: fraction × 2^-24, exact in Float.
            let magnitude = Float(fraction) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        if exponent == 0x1F {
            // Infinity or NaN (the payload is kept).
            return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        }
        return Float(bitPattern: sign | (exponent + 112) << 23 | fraction << 13)  // 112 = 127 - 15
    }

    /// bfloat16: the top 16 bits of a binary32.
    @inlinable
    public static func float(fromBFloat16 b: UInt16) -> Float {
        Float(bitPattern: UInt32(b) << 16)
    }
}
