#if canImport(Glibc)
import Glibc
#endif
import CSwiftTokABI
import CSwiftTokSupport
import SwiftTok

// The Python package's builtins (include/swifttok.h, "For the Python package"): Python builtin
// functions made through the CPython API table the package hands over at import, so a short call
// costs a builtin call (~0.05 us) instead of a ctypes call (~0.4-0.7 us), and ids become a list of
// ints here instead of through a buffer and memoryview.tolist(). The package's ctypes path stays
// the reference these builtins are tested against.
//
// Every function here runs with the GIL held, except the parts between saveThread and
// restoreThread, which touch no Python object.

typealias PyObject = OpaquePointer

/// The CPython functions of a swifttok_python_api, each checked non-NULL once (swifttok_python_bind).
struct CPython {
    let errorClass: PyObject
    let keyword: PyObject
    let none: PyObject
    let listNew: @convention(c) (Int) -> PyObject?
    let listSetItem: @convention(c) (PyObject?, Int, PyObject?) -> Int32
    let listSize: @convention(c) (PyObject?) -> Int
    let listGetItem: @convention(c) (PyObject?, Int) -> PyObject?
    let tupleNew: @convention(c) (Int) -> PyObject?
    let tupleSetItem: @convention(c) (PyObject?, Int, PyObject?) -> Int32
    let tupleSize: @convention(c) (PyObject?) -> Int
    let tupleGetItem: @convention(c) (PyObject?, Int) -> PyObject?
    let longFromSize: @convention(c) (Int) -> PyObject?
    let longAsSsize: @convention(c) (PyObject?) -> Int
    let asUTF8: @convention(c) (PyObject?, UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>?
    let fromUTF8: @convention(c) (UnsafePointer<CChar>?, Int) -> PyObject?
    let isTrue: @convention(c) (PyObject?) -> Int32
    let vectorcall: @convention(c) (PyObject?, UnsafePointer<PyObject?>?, Int, PyObject?) -> PyObject?
    let incref: @convention(c) (PyObject?) -> Void
    let decref: @convention(c) (PyObject?) -> Void
    let errSetObject: @convention(c) (PyObject?, PyObject?) -> Void
    let errClear: @convention(c) () -> Void
    let errNoMemory: @convention(c) () -> PyObject?
    let saveThread: @convention(c) () -> UnsafeMutableRawPointer?
    let restoreThread: @convention(c) (UnsafeMutableRawPointer?) -> Void
    let cfunctionNew: @convention(c) (UnsafeMutableRawPointer?, PyObject?, PyObject?) -> PyObject?
    let capsuleNew: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?,
                                    (@convention(c) (PyObject?) -> Void)?) -> PyObject?
    let capsuleGetPointer: @convention(c) (PyObject?, UnsafePointer<CChar>?) -> UnsafeMutableRawPointer?
    let gcDisable: (@convention(c) () -> Int32)?
    let gcEnable: (@convention(c) () -> Int32)?
    let bytearrayNew: (@convention(c) (UnsafePointer<CChar>?, Int) -> PyObject?)?
    let bytearrayBytes: (@convention(c) (PyObject?) -> UnsafeMutablePointer<CChar>?)?
    /// Whether lists are PyListObjects of the 64-bit GIL build layout (`listItemsLayoutHolds`):
    /// then a new list's items are stored straight into its `ob_item` array, as the
    /// PyList_SET_ITEM macro does, instead of a PyList_SetItem call per id.
    var directListItems = false

    /// `a` with its fields up to gc_enable; those after it are read only when `size` covers them.
    init?(_ a: swifttok_python_api, size: Int) {
        guard let errorClass = a.error_class, let keyword = a.keyword, let none = a.none, let listNew = a.list_new,
              let listSetItem = a.list_set_item, let listSize = a.list_size, let listGetItem = a.list_get_item,
              let tupleNew = a.tuple_new, let tupleSetItem = a.tuple_set_item, let tupleSize = a.tuple_size,
              let tupleGetItem = a.tuple_get_item, let longFromSize = a.long_from_size_t,
              let longAsSsize = a.long_as_ssize_t, let asUTF8 = a.unicode_as_utf8_and_size,
              let fromUTF8 = a.unicode_from_string_and_size, let isTrue = a.object_is_true,
              let vectorcall = a.vectorcall, let incref = a.incref, let decref = a.decref,
              let errSetObject = a.err_set_object, let errClear = a.err_clear, let errNoMemory = a.err_no_memory,
              let saveThread = a.save_thread, let restoreThread = a.restore_thread,
              let cfunctionNew = a.cfunction_new_ex, let capsuleNew = a.capsule_new,
              let capsuleGetPointer = a.capsule_get_pointer
        else { return nil }
        self.errorClass = errorClass
        self.keyword = keyword
        self.none = none
        self.listNew = listNew
        self.listSetItem = listSetItem
        self.listSize = listSize
        self.listGetItem = listGetItem
        self.tupleNew = tupleNew
        self.tupleSetItem = tupleSetItem
        self.tupleSize = tupleSize
        self.tupleGetItem = tupleGetItem
        self.longFromSize = longFromSize
        self.longAsSsize = longAsSsize
        self.asUTF8 = asUTF8
        self.fromUTF8 = fromUTF8
        self.isTrue = isTrue
        self.vectorcall = vectorcall
        self.incref = incref
        self.decref = decref
        self.errSetObject = errSetObject
        self.errClear = errClear
        self.errNoMemory = errNoMemory
        self.saveThread = saveThread
        self.restoreThread = restoreThread
        self.cfunctionNew = cfunctionNew
        self.capsuleNew = capsuleNew
        self.capsuleGetPointer = capsuleGetPointer
        gcDisable = a.gc_disable
        gcEnable = a.gc_enable
        if size >= MemoryLayout<swifttok_python_api>.size {
            bytearrayNew = a.bytearray_from_string_and_size
            bytearrayBytes = a.bytearray_as_string
        } else {
            bytearrayNew = nil
            bytearrayBytes = nil
        }
    }

    /// A table of this size has every field up to gc_enable (the fields of 0.5.0).
    static let minimumTableSize = (MemoryLayout<swifttok_python_api>.offset(of: \swifttok_python_api.gc_enable) ?? 0)
        + MemoryLayout<UnsafeRawPointer>.size

    /// Whether the table has the bytearray functions (encode_batch_ids' flat form).
    var hasBytearrays: Bool { bytearrayNew != nil && bytearrayBytes != nil }

    /// A new bytearray of `count` elements of T, written by `fill`, or NULL with the exception set
    /// (also when the table has no bytearray functions: callers check hasBytearrays first).
    func bytearray<T>(of _: T.Type, _ count: Int, _ fill: (UnsafeMutablePointer<T>) -> Void) -> PyObject? {
        guard let bytearrayNew, let bytearrayBytes else { return errNoMemory() }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !overflow, bytes < Int.max else { return errNoMemory() }
        guard let array = bytearrayNew(nil, bytes) else { return nil }
        if bytes > 0 {
            // PyByteArray's buffer is malloc'ed: aligned for any T.
            guard let p = bytearrayBytes(array) else {
                decref(array)
                return nil
            }
            fill(UnsafeMutableRawPointer(p).bindMemory(to: T.self, capacity: count))
        }
        return array
    }

    /// Checks, on a list made here, the layout `directListItems` relies on: the size (`ob_size`) at
    /// byte 16 and the items array (`ob_item`) at byte 24, after the refcount and the type. A
    /// build with another object header (Py_TRACE_REFS, free-threaded) fails the check and keeps
    /// PyList_SetItem. The reads stay inside the 32 bytes every list object has.
    func listItemsLayoutHolds() -> Bool {
        guard MemoryLayout<Int>.size == 8, let list = listNew(2) else {
            errClear()
            return false
        }
        defer { decref(list) }
        incref(none)
        incref(keyword)
        _ = listSetItem(list, 0, none)  // Steals the references taken above.
        _ = listSetItem(list, 1, keyword)
        let object = UnsafeRawPointer(list)
        guard object.load(fromByteOffset: 16, as: Int.self) == 2,
              let items = object.load(fromByteOffset: 24, as: UnsafePointer<PyObject?>?.self) else { return false }
        return items[0] == none && items[1] == keyword && listGetItem(list, 1) == keyword
    }

    /// The items array of `list`, made by listNew with `count` > 0 slots (NULL each), when
    /// `directListItems`; nil otherwise.
    @inline(__always)
    func items(of list: PyObject) -> UnsafeMutablePointer<PyObject?>? {
        guard directListItems else { return nil }
        return UnsafeRawPointer(list).load(fromByteOffset: 24, as: UnsafeMutablePointer<PyObject?>?.self)
    }

    /// Runs `body` (which makes only lists of ints, no cycles) with the cyclic collector paused;
    /// it is left as found (a caller may have disabled it).
    func withoutCollector<T>(_ body: () -> T) -> T {
        guard let gcDisable, let gcEnable else { return body() }
        let wasEnabled = gcDisable()
        defer { if wasEnabled != 0 { _ = gcEnable() } }
        return body()
    }

    /// Sets error_class(status, message) as the pending exception; returns NULL for the caller to return.
    func raise(_ status: swifttok_status, _ message: UnsafePointer<CChar>) -> PyObject? {
        guard let args = tupleNew(2) else { return nil }
        guard let code = longFromSize(Int(status.rawValue)) else {
            decref(args)
            return nil
        }
        _ = tupleSetItem(args, 0, code)  // Steals `code`.
        guard let text = fromUTF8(message, strlen(message)) else {
            decref(args)
            return nil
        }
        _ = tupleSetItem(args, 1, text)
        errSetObject(errorClass, args)
        decref(args)
        return nil
    }

    /// raise() for a thrown error, with the status and message the C calls would give
    /// (MemoryError for an ids buffer that could not be had).
    func raise(_ error: Error) -> PyObject? {
        if error is NoMemory { return errNoMemory() }
        let status: swifttok_status
        if let e = error as? CError {
            status = fail(e.status, e.message)
        } else {
            status = fail(error)
        }
        return raise(status, LastError.current)
    }
}

/// The table of swifttok_python_bind. Written once at the package's import, under the GIL, before
/// any builtin exists; read by the builtins, which also run under the GIL.
nonisolated(unsafe) var boundPython: CPython?

@c @implementation
public func swifttok_python_bind(_ api: UnsafePointer<swifttok_python_api>?) -> swifttok_status {
    guard let api else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "api is NULL") }
    // Only the size is read before it is known how much of the table there is.
    let size = Int(clamping: UnsafeRawPointer(api).load(as: UInt.self))
    guard size >= CPython.minimumTableSize else {
        return fail(SWIFTTOK_ERROR_INVALID_ARGUMENT, "api->size is \(size), this library needs at least \(CPython.minimumTableSize)")
    }
    // A shorter table (0.5.0's) is read only as far as it goes.
    var table = swifttok_python_api()
    withUnsafeMutableBytes(of: &table) { dst in
        dst.copyMemory(from: UnsafeRawBufferPointer(start: api, count: Swift.min(size, dst.count)))
    }
    guard var py = CPython(table, size: size) else { return fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "a field of api is NULL") }
    py.incref(py.errorClass)  // Kept for the life of the process (the builtins raise it).
    py.incref(py.keyword)
    py.incref(py.none)
    py.directListItems = py.listItemsLayoutHolds() && getenv("SWIFTTOK_PYTHON_LIST_SET_ITEM") == nil
    boundPython = py
    return SWIFTTOK_OK
}

/// An ids buffer malloc could not give.
struct NoMemory: Error {}

/// `count` uninitialized ids from malloc, freed with free(): a Swift allocation would trap when memory
/// runs out, and the caller raises MemoryError instead (as the ctypes path's array.array does).
func idBuffer(_ count: Int) throws(NoMemory) -> UnsafeMutableBufferPointer<UInt32> {
    let (bytes, overflow) = Swift.max(count, 1).multipliedReportingOverflow(by: MemoryLayout<UInt32>.stride)
    guard !overflow, let p = malloc(bytes) else { throw NoMemory() }
    return UnsafeMutableBufferPointer(start: p.assumingMemoryBound(to: UInt32.self), count: count)
}

/// Texts up to this many UTF-8 bytes are encoded with the GIL held (releasing and retaking it would
/// cost a good part of a call of a microsecond); longer ones release it. Same bound as the ctypes path.
let gilHeldMax = 4096

/// How many tokens ahead `PythonBinding.lists` requests the table entries it will read.
private let prefetchDistance = 16

/// A shared int of `PythonBinding.ints` and the references to it that batch lists hold but have
/// not yet added to its refcount (0 outside `PythonBinding.lists`).
struct SharedInt {
    var object: PyObject?
    var pending: Int
}

/// The object of the shared int at `entry`: NULL until made. Workers filling batch lists read it
/// while a thread holding the GIL may set it (`setObject`), hence atomically.
@inline(__always)
private func object(_ entry: UnsafeMutablePointer<SharedInt>) -> PyObject? {
    // `object` is the struct's first field, at the entry's address.
    swifttok_load_pointer(UnsafeRawPointer(entry).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)).map(PyObject.init)
}

/// Sets the object of the shared int at `entry` (under the GIL), for `object` to read.
@inline(__always)
private func setObject(_ entry: UnsafeMutablePointer<SharedInt>, _ o: PyObject) {
    swifttok_store_pointer(UnsafeMutableRawPointer(entry).assumingMemoryBound(to: UnsafeMutableRawPointer?.self),
                           UnsafeMutableRawPointer(o))
}

/// `ListFill`s for the workers of one batch, each used by its worker alone.
struct UncheckedFills: @unchecked Sendable {
    // @unchecked: the workers read `table` (its objects atomically) and each uses its own fill.
    let all: [ListFill]
    let table: UnsafeMutableBufferPointer<SharedInt>
    init(_ all: [ListFill], _ table: UnsafeMutableBufferPointer<SharedInt>?) {
        self.all = all
        self.table = table ?? UnsafeMutableBufferPointer(start: nil, count: 0)
    }
}

/// One batch worker's share of filling the lists in parallel (`PythonBinding.parallelLists`):
/// the shared int of each id it encoded, at the id's place in its buffer, with the references
/// they take counted per id (added under the GIL once the workers are done). Used by worker w
/// alone while the GIL is released, then by the GIL's holder.
final class ListFill: @unchecked Sendable {
    // @unchecked: see above; `PythonBinding.fillsBusy` keeps a set of them to one call at a time.
    struct Missing {
        let place: Int
        let id: UInt32
    }

    /// The objects, `capacity` of them (malloc): entry k for id k of the worker's buffer, NULL
    /// for ids in `missing`.
    var objects: UnsafeMutablePointer<PyObject?>?
    var capacity = 0
    /// References per id (vocabSize + 1, zero between calls) and the ids with any (`touchedCount`
    /// of them, each once), as in `PythonBinding.pendingList`.
    let counts: UnsafeMutablePointer<UInt32>
    let touched: UnsafeMutablePointer<UInt32>
    var touchedCount = 0
    /// Ids whose int is not made yet (made under the GIL) or outside the table.
    var missing: [Missing] = []
    /// An allocation failed or the counts could overflow: the lists are made without this fill.
    var failed = false

    init?(_ vocabSize: Int) {
        guard let c = calloc(vocabSize + 1, MemoryLayout<UInt32>.stride) else { return nil }
        guard let t = malloc((vocabSize + 1) * MemoryLayout<UInt32>.stride) else {
            free(c)
            return nil
        }
        counts = c.assumingMemoryBound(to: UInt32.self)
        touched = t.assumingMemoryBound(to: UInt32.self)
    }

    deinit {
        free(objects)
        free(counts)
        free(touched)
    }

    /// Looks up the shared int of each of `ids`, the ids at `start` in the worker's buffer.
    func fill(_ table: UnsafeMutablePointer<SharedInt>, _ size: Int, _ start: Int, _ ids: UnsafeBufferPointer<UInt32>) {
        if failed { return }
        let end = start + ids.count
        // A count per id stays below 2^32 while the worker's ids do.
        guard end < Int(UInt32.max), reserve(end), let objects, let source = ids.baseAddress else {
            failed = failed || !ids.isEmpty
            return
        }
        let out = objects + start
        let n = ids.count
        // In registers (loads and stores through self per token otherwise).
        let counts = self.counts
        let touched = self.touched
        var touchedCount = self.touchedCount
        defer { self.touchedCount = touchedCount }
        for i in 0..<n {
            if i + prefetchDistance < n {
                let ahead = Swift.min(Int(source[i + prefetchDistance]), size - 1)
                swifttok_prefetch_read(table + ahead)
                swifttok_prefetch_write(counts + ahead)
            }
            let id = source[i]
            let o = Int(id) < size ? object(table + Int(id)) : nil
            out[i] = o
            if o == nil {
                missing.append(Missing(place: start + i, id: id))
                continue
            }
            touched[touchedCount] = id
            touchedCount &+= counts[Int(id)] == 0 ? 1 : 0
            counts[Int(id)] &+= 1
        }
    }

    /// Room for `count` objects; false if malloc cannot give it.
    private func reserve(_ count: Int) -> Bool {
        if count <= capacity { return true }
        let grown = Swift.max(count, capacity * 2, 4096)
        guard let p = realloc(objects, grown * MemoryLayout<PyObject?>.stride) else { return false }
        objects = p.assumingMemoryBound(to: PyObject?.self)
        capacity = grown
        return true
    }

    /// Back to the state between calls (counts zero), the objects buffer freed if it holds more
    /// than `keep` objects.
    func reset(keep: Int) {
        for k in 0..<touchedCount { counts[Int(touched[k])] = 0 }
        touchedCount = 0
        missing.removeAll(keepingCapacity: missing.count <= 4096)
        failed = false
        if capacity > keep {
            free(objects)
            objects = nil
            capacity = 0
        }
    }
}

/// What the four builtins of one tokenizer share (the `self` of each, inside a capsule). Memory:
/// with shared ints, tables of 16, 8 and 4 bytes per vocabulary entry, plus each int (~32 bytes, ids
/// above 256) and token str (~50-80 bytes) made on first use.
final class PythonBinding {
    let handle: TokenizerHandle
    /// encode_ids, count_tokens, encode_batch_ids and encode fallbacks (strong references).
    let fallbacks: [PyObject]
    /// Ids of texts encoded with the GIL held; `busy` while in use, so a call re-entered from Python
    /// code that runs meanwhile (a finalizer run by the collector in PyList_New) uses its own buffer.
    var scratch: UnsafeMutableBufferPointer<UInt32>
    var busy = false
    /// One int object per id, made on first use (SWIFTTOK_PYTHON_SHARED_INTS), or nil: a list then
    /// takes a reference to a shared int instead of allocating one per token. Beside each, the
    /// references that batch lists hold but have not yet added to its refcount (see `lists`).
    let ints: UnsafeMutableBufferPointer<SharedInt>?
    /// The ids with pending references, `touchedCount` of them (each once: its pending was 0), in a
    /// buffer of one more than the vocabulary size.
    let touched: UnsafeMutablePointer<UInt32>?
    var touchedCount = 0
    /// The same for token strings (encode's `tokens`), checked against the token's text on reuse.
    let strs: UnsafeMutableBufferPointer<PyObject?>?
    /// The workers' shares of filling batch lists in parallel (`parallelLists`), made on first use
    /// and kept (~8 bytes per vocabulary entry each); `fillsBusy` while a call uses them.
    var fills: [ListFill] = []
    var fillsBusy = false

    init(_ handle: TokenizerHandle, _ fallbacks: [PyObject], sharedInts: Bool) throws(NoMemory) {
        self.handle = handle
        self.fallbacks = fallbacks
        scratch = try idBuffer(gilHeldMax + 64)
        if sharedInts && handle.vocabSize > 0 {
            let table = UnsafeMutableBufferPointer<SharedInt>.allocate(capacity: handle.vocabSize)
            table.initialize(repeating: SharedInt(object: nil, pending: 0))
            ints = table
            touched = UnsafeMutablePointer<UInt32>.allocate(capacity: handle.vocabSize + 1)
            let texts = UnsafeMutableBufferPointer<PyObject?>.allocate(capacity: handle.vocabSize)
            texts.initialize(repeating: nil)
            strs = texts
        } else {
            ints = nil
            touched = nil
            strs = nil
        }
    }

    /// Runs in the capsule's destructor, under the GIL.
    func dropReferences(_ py: CPython) {
        for f in fallbacks { py.decref(f) }
        if let ints {
            for case let o? in ints.lazy.map(\.object) { py.decref(o) }
            ints.deallocate()
        }
        touched?.deallocate()
        if let strs {
            for case let o? in strs { py.decref(o) }
            strs.deallocate()
        }
        free(scratch.baseAddress)
    }

    /// A new reference to the int `id`.
    @inline(__always)
    func int(_ py: CPython, _ id: UInt32) -> PyObject? {
        guard let ints, Int(id) < ints.count else { return py.longFromSize(Int(id)) }
        if let o = ints[Int(id)].object {
            // Py_INCREF as the stable ABI compiles it for GIL builds (ob_refcnt, a Py_ssize_t at
            // offset 0, incremented in place; immortal objects of 3.12+ tolerate it by design,
            // PEP 683): a call to Py_IncRef per token was ~4% of a batch. The package binds no
            // builtins on free-threaded builds, where the layout differs.
            UnsafeMutableRawPointer(o).assumingMemoryBound(to: Int.self).pointee &+= 1  // Safe: a refcount never nears Int.max.
            return o
        }
        guard let o = py.longFromSize(Int(id)) else { return nil }
        setObject(ints.baseAddress.unsafelyUnwrapped + Int(id), o)
        py.incref(o)
        return o
    }

    /// A new list of lists, list i of the ids that `row(i, make)` hands to `make` (returning what
    /// `make` returns), or NULL with the exception set.
    ///
    /// The lists take their references to the shared ints in two steps: while they are filled, a
    /// count per id beside the int's pointer (the cache line the pointer load brings in anyway),
    /// then one refcount add per distinct id. Filling them with an increment of each int's refcount
    /// cost a second cache-missing access per token, a third of the lists' cost. Until the add,
    /// the refcounts are short of the lists' references, so nothing may release a list before it:
    /// the failure path adds them, then releases. No Python code runs in between (no collector, and
    /// the lists are not visible to Python code), and the table's own reference keeps each int alive.
    func lists(_ py: CPython, _ count: Int,
               _ row: (Int, (UnsafeBufferPointer<UInt32>) -> PyObject?) -> PyObject?) -> PyObject? {
        py.withoutCollector { () -> PyObject? in
            guard let outer = py.listNew(count) else { return nil }
            var failed = false
            for i in 0..<count {
                guard let inner = row(i, { ids in pendingList(py, ids, &failed) }) else {
                    failed = true
                    break
                }
                _ = py.listSetItem(outer, i, inner)  // Takes the new reference; cannot fail in range.
                if failed { break }
            }
            addPendingReferences()
            if failed {
                py.decref(outer)
                return nil
            }
            return outer
        }
    }

    /// A new list of `ids` whose references to shared ints are left pending (see `lists`), or NULL
    /// with the exception set. When an int cannot be made, `failed` is set and the list, its
    /// remaining items NULL, is returned to be released after the pending references are added.
    private func pendingList(_ py: CPython, _ ids: UnsafeBufferPointer<UInt32>, _ failed: inout Bool) -> PyObject? {
        guard let ints, let touched, let source = ids.baseAddress else { return list(py, ids.baseAddress, ids.count) }
        guard let list = py.listNew(ids.count) else { return nil }
        guard let items = py.items(of: list) else {
            // Another object layout: references taken one at a time.
            for i in 0..<ids.count {
                guard let v = int(py, source[i]) else {
                    failed = true
                    return list
                }
                _ = py.listSetItem(list, i, v)
            }
            return list
        }
        let table = ints.baseAddress.unsafelyUnwrapped  // Not nil: the table has vocabSize > 0 entries.
        let size = ints.count
        let count = ids.count
        var touchedCount = self.touchedCount  // In a register (a store through self per token otherwise).
        defer { self.touchedCount = touchedCount }
        for i in 0..<count {
            // The entry a few tokens ahead requested now: the cache misses overlap instead of each
            // stalling the loop in turn (the load of the entry was most of the loop's time).
            if i + prefetchDistance < count {
                swifttok_prefetch_write(table + Swift.min(Int(source[i + prefetchDistance]), size - 1))
            }
            let id = source[i]
            guard Int(id) < size else {
                guard let v = py.longFromSize(Int(id)) else {
                    failed = true
                    return list
                }
                items[i] = v
                continue
            }
            let entry = table + Int(id)
            if entry.pointee.object == nil {
                // The table's reference; the list's is pending like the rest.
                guard let made = py.longFromSize(Int(id)) else {
                    failed = true
                    return list
                }
                setObject(entry, made)
            }
            // Recorded as touched when first pending, without a branch (which mispredicted on
            // every first use): the slot past the last is always there (capacity vocabSize + 1).
            touched[touchedCount] = id
            touchedCount &+= entry.pointee.pending == 0 ? 1 : 0
            entry.pointee.pending &+= 1
            items[i] = entry.pointee.object
        }
        return list
    }

    /// The fills for a batch on `workers` workers (under the GIL), or nil: no shared ints, one
    /// worker, another call using them (re-entered, or a thread that released the GIL), no memory.
    /// Handed back with `giveBack`.
    func takeFills(_ py: CPython, workers: Int) -> [ListFill]? {
        guard ints != nil, workers >= 2, !fillsBusy, py.directListItems else { return nil }
        while fills.count < workers {
            guard let f = ListFill(handle.vocabSize) else { return nil }
            fills.append(f)
        }
        fillsBusy = true
        return Array(fills.prefix(workers))
    }

    /// Under the GIL, after the call that took them. The objects buffers kept for the next call
    /// hold up to 2^20 objects (8 MB) in all, shared by the workers.
    func giveBack(_ taken: [ListFill]) {
        let keep = (1 << 20) / Swift.max(1, taken.count)
        for f in taken { f.reset(keep: keep) }
        fillsBusy = false
    }

    /// The `eachRow` of a batch filled by `taken` (see `parallelLists`).
    func filler(_ taken: [ListFill]) -> @Sendable (Int, Int, UnsafeBufferPointer<UInt32>) -> Void {
        let fills = UncheckedFills(taken, ints)
        return { worker, start, ids in
            guard let table = fills.table.baseAddress else { return }
            fills.all[worker].fill(table, fills.table.count, start, ids)
        }
    }

    /// Like `lists`, for rows whose shared ints the workers already looked up (`filler`): the
    /// lists are made and filled with a copy of each row's objects, and one refcount add per
    /// distinct id and worker takes their references. The lookups, the part of filling that
    /// misses the cache, so ran in parallel beside the encoding, while the ids were in cache.
    func parallelLists(_ py: CPython, _ rows: IdsRows, _ taken: [ListFill]) -> PyObject? {
        guard let ints, !taken.contains(where: \.failed) else {
            return lists(py, rows.count) { i, make in rows.withRow(i, make) }
        }
        let table = ints.baseAddress.unsafelyUnwrapped
        // The references the objects hold, taken: from here each non-NULL object owns one.
        for f in taken {
            for k in 0..<f.touchedCount {
                let id = Int(f.touched[k])
                if let o = object(table + id) {  // Not NULL: it was when the worker read it.
                    UnsafeMutableRawPointer(o).assumingMemoryBound(to: Int.self).pointee &+= Int(f.counts[id])
                }
                f.counts[id] = 0
            }
            f.touchedCount = 0
        }
        // Releases the references the objects of rows `from...` hold (on failure).
        func release(from first: Int) {
            for i in first..<rows.count {
                let (w, start) = rows.place(ofRow: i)
                guard let objects = taken[w].objects else { continue }
                for k in start ..< start + rows.count(ofRow: i) {
                    if let o = objects[k] { py.decref(o) }
                }
            }
        }
        for f in taken {
            for m in f.missing {
                guard let o = int(py, m.id) else {
                    release(from: 0)
                    return nil
                }
                f.objects.unsafelyUnwrapped[m.place] = o  // Not nil: a missing id has a place there.
            }
        }
        return py.withoutCollector { () -> PyObject? in
            guard let outer = py.listNew(rows.count) else {
                release(from: 0)
                return nil
            }
            for i in 0..<rows.count {
                let (w, start) = rows.place(ofRow: i)
                let count = rows.count(ofRow: i)
                guard let inner = py.listNew(count) else {
                    release(from: i)
                    py.decref(outer)
                    return nil
                }
                if count > 0, let items = py.items(of: inner), let objects = taken[w].objects {
                    items.update(from: objects + start, count: count)  // The references move to the list.
                }
                _ = py.listSetItem(outer, i, inner)  // Takes the new reference; cannot fail in range.
            }
            return outer
        }
    }

    /// Adds each touched int's pending references to its refcount, as `int` does one at a time.
    private func addPendingReferences() {
        guard let ints, let touched else { return }
        for k in 0..<touchedCount {
            let entry = ints.baseAddress.unsafelyUnwrapped + Int(touched[k])
            if let o = entry.pointee.object {
                UnsafeMutableRawPointer(o).assumingMemoryBound(to: Int.self).pointee &+= entry.pointee.pending
            }
            entry.pointee.pending = 0
        }
        touchedCount = 0
    }

    /// A new list of the `count` ids at `ids`, or NULL with the exception set.
    func list(_ py: CPython, _ ids: UnsafePointer<UInt32>?, _ count: Int) -> PyObject? {
        guard let list = py.listNew(count) else { return nil }
        if count == 0 { return list }
        guard let ids else {  // Not reached (buffers with ids have an address); never a list of NULLs.
            py.decref(list)
            return py.raise(fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "no ids buffer for \(count) ids"), LastError.current)
        }
        let items = py.items(of: list)
        for i in 0..<count {
            // NULLs left in the list on failure are fine: its deallocation skips them.
            guard let v = int(py, ids[i]) else {
                py.decref(list)
                return nil
            }
            // Either way the list takes over the new reference (PyList_SET_ITEM / PyList_SetItem,
            // which cannot fail for an index in range).
            if let items { items[i] = v } else { _ = py.listSetItem(list, i, v) }
        }
        return list
    }
}

private var capsuleName: UnsafePointer<CChar> { Static.c("swifttok.python_binding") }

private func capsuleDestructor(_ capsule: PyObject?) {
    guard let py = boundPython, let p = py.capsuleGetPointer(capsule, capsuleName) else { return }
    let binding = Unmanaged<PythonBinding>.fromOpaque(p)
    binding.takeUnretainedValue().dropReferences(py)
    binding.release()
}

/// The binding in a builtin's `self`, or nil with the exception set.
@inline(__always)
private func binding(_ py: CPython, _ capsule: PyObject?) -> PythonBinding? {
    guard let p = py.capsuleGetPointer(capsule, capsuleName) else { return nil }
    return Unmanaged<PythonBinding>.fromOpaque(p).takeUnretainedValue()
}

/// The arguments of encode_ids / count_tokens when the builtin takes the call itself.
private enum TextCall {
    case text(UnsafeBufferPointer<UInt8>, Bool)
    case fallback
    case failed
}

/// (text: str[, add_special_tokens]) or (text, add_special_tokens=...) with the interned keyword;
/// anything else (other keywords, bytes, a str with no UTF-8 form) goes to the fallback.
@inline(__always)
private func textCall(_ py: CPython, _ args: UnsafePointer<PyObject?>?, _ nargs: Int, _ kwnames: PyObject?) -> TextCall {
    guard let args, nargs >= 1 else { return .fallback }
    var flagArg: PyObject? = nil
    if let kwnames {
        guard nargs == 1, py.tupleSize(kwnames) == 1, py.tupleGetItem(kwnames, 0) == py.keyword else { return .fallback }
        flagArg = args[1]
    } else if nargs == 2 {
        flagArg = args[1]
    } else if nargs != 1 {
        return .fallback
    }
    var add = true
    if let flagArg {
        let truth = py.isTrue(flagArg)
        if truth < 0 { return .failed }
        add = truth != 0
    }
    var size = 0
    guard let utf8 = py.asUTF8(args[0], &size) else {
        py.errClear()  // Not a str, or lone surrogates: the fallback raises what the package raises.
        return .fallback
    }
    return .text(UnsafeBufferPointer(start: UnsafeRawPointer(utf8).assumingMemoryBound(to: UInt8.self), count: size),
                 add)
}

/// Encodes `text` with the GIL released into a buffer of its own; the ids (or the count when
/// `countOnly`) and that buffer, which the caller frees, or the error.
private func encodeReleased(_ py: CPython, _ h: TokenizerHandle, _ text: UnsafeBufferPointer<UInt8>, _ add: Bool,
                            countOnly: Bool) -> Result<(UnsafeMutableBufferPointer<UInt32>, Int), Error> {
    let state = py.saveThread()
    defer { py.restoreThread(state) }
    do {
        try checkLength(text.count, "text", "bytes")
        try requireIdsMemory(text.count)
    } catch {
        return .failure(error)
    }
    if countOnly {
        return Result { (UnsafeMutableBufferPointer(start: nil, count: 0),
                         try h.shortIds(text, add, UnsafeMutableBufferPointer(start: nil, count: 0))) }
    }
    var buffer: UnsafeMutableBufferPointer<UInt32>
    do {
        buffer = try idBuffer(text.count + 64)
    } catch {
        return .failure(error)
    }
    do {
        var count = try h.shortIds(text, add, buffer)
        if count > buffer.count {  // More ids than bytes (a post-processor adding many tokens): once more.
            free(buffer.baseAddress)
            buffer = UnsafeMutableBufferPointer(start: nil, count: 0)
            buffer = try idBuffer(count)
            count = try h.shortIds(text, add, buffer)
        }
        return .success((buffer, count))
    } catch {
        free(buffer.baseAddress)
        return .failure(error)
    }
}

/// encode_ids(text) and count_tokens(text) on one binding.
private func encodeText(_ py: CPython, _ b: PythonBinding, _ text: UnsafeBufferPointer<UInt8>, _ add: Bool,
                        countOnly: Bool) -> PyObject? {
    if text.count <= gilHeldMax && !b.busy {
        b.busy = true
        defer { b.busy = false }
        do {
            if countOnly { return py.longFromSize(try b.handle.shortIds(text, add, UnsafeMutableBufferPointer(start: nil, count: 0))) }
            var count = try b.handle.shortIds(text, add, b.scratch)
            if count > b.scratch.count {
                let larger = try idBuffer(count)
                free(b.scratch.baseAddress)
                b.scratch = larger
                count = try b.handle.shortIds(text, add, b.scratch)
            }
            return b.list(py, b.scratch.baseAddress, count)
        } catch {
            return py.raise(error)
        }
    }
    switch encodeReleased(py, b.handle, text, add, countOnly: countOnly) {
    case .success(let (buffer, count)):
        defer { free(buffer.baseAddress) }
        return countOnly ? py.longFromSize(count) : b.list(py, buffer.baseAddress, count)
    case .failure(let error):
        return py.raise(error)
    }
}

private typealias FastCall = @convention(c) (PyObject?, UnsafePointer<PyObject?>?, Int, PyObject?) -> PyObject?

/// `encode_ids` / `count_tokens`: the text encoded here, or the call handed to the Python method.
private func textBuiltin(_ capsule: PyObject?, _ args: UnsafePointer<PyObject?>?, _ nargs: Int, _ kwnames: PyObject?,
                         countOnly: Bool) -> PyObject? {
    guard let py = boundPython, let b = binding(py, capsule) else { return nil }
    switch textCall(py, args, nargs, kwnames) {
    case .text(let text, let add): return encodeText(py, b, text, add, countOnly: countOnly)
    case .fallback: return py.vectorcall(b.fallbacks[countOnly ? 1 : 0], args, nargs, kwnames)
    case .failed: return nil
    }
}

private func pyEncodeIds(_ capsule: PyObject?, _ args: UnsafePointer<PyObject?>?, _ nargs: Int, _ kwnames: PyObject?) -> PyObject? {
    textBuiltin(capsule, args, nargs, kwnames, countOnly: false)
}

private func pyCountTokens(_ capsule: PyObject?, _ args: UnsafePointer<PyObject?>?, _ nargs: Int, _ kwnames: PyObject?) -> PyObject? {
    textBuiltin(capsule, args, nargs, kwnames, countOnly: true)
}

/// encode_batch_ids(texts: list, add_special_tokens, num_threads): the lists of ids, or None when
/// an item is not a str with a UTF-8 form (the caller's own path then raises what it raises).
private func pyEncodeBatchIds(_ capsule: PyObject?, _ args: UnsafePointer<PyObject?>?, _ nargs: Int,
                              _ kwnames: PyObject?) -> PyObject? {
    guard let py = boundPython, let b = binding(py, capsule) else { return nil }
    guard let args, nargs == 3 || (nargs == 4 && py.hasBytearrays), kwnames == nil else {
        return py.vectorcall(b.fallbacks[2], args, nargs, kwnames)
    }
    var flat = false
    if nargs == 4 {
        let truth = py.isTrue(args[3])
        if truth < 0 { return nil }
        flat = truth != 0
    }
    let n = py.listSize(args[0])
    if n < 0 {
        py.errClear()
        return py.vectorcall(b.fallbacks[2], args, nargs, kwnames)
    }
    let truth = py.isTrue(args[1])
    if truth < 0 { return nil }
    let threads = py.longAsSsize(args[2])
    if threads == -1 { return nil }  // Not an int, or too large (the exception is set); the caller checked >= 0.
    // The UTF-8 of each text, read in place: the buffer a str keeps (its own data, or the UTF-8 it
    // caches) lives and stays unchanged as long as the str, and each str is held (a reference
    // taken here) while the GIL is released, when the list itself may change.
    var texts: [UnsafeBufferPointer<UInt8>] = []
    var held: [PyObject] = []
    texts.reserveCapacity(n)
    held.reserveCapacity(n)
    defer { for o in held { py.decref(o) } }
    var total = 0
    for i in 0..<n {
        var size = 0
        guard let item = py.listGetItem(args[0], i), let utf8 = py.asUTF8(item, &size) else {
            py.errClear()
            return py.vectorcall(b.fallbacks[2], args, nargs, kwnames)
        }
        do {
            try checkLength(size, "texts[\(i)]", "bytes")
        } catch {
            return py.raise(error)
        }
        py.incref(item)
        held.append(item)
        total += size
        texts.append(UnsafeBufferPointer(start: UnsafeRawPointer(utf8).assumingMemoryBound(to: UInt8.self), count: size))
    }
    let flags: UInt32 = truth != 0 ? UInt32(SWIFTTOK_ADD_SPECIAL_TOKENS) : 0
    let unpadded = b.handle.tokenizer.padding == nil
    // Lists of more than one worker's rows: each worker looks up its ids' shared ints (see `parallelLists`).
    let fills = unpadded && !flat ? b.takeFills(py, workers: Tokenizer.batchWorkerCount(n, threads: threads)) : nil
    defer { if let fills { b.giveBack(fills) } }
    let state = py.saveThread()
    var holdsGIL = false  // Taken back once the ids are there, to make the result.
    let built: Result<PyObject?, Error>
    if unpadded {
        built = Result {
            try requireIdsMemory(total)
            // A str's UTF-8 is valid (PyUnicode_AsUTF8AndSize refuses lone surrogates).
            return try b.handle.unpadded.withIdsBatch(inPlace: texts, addSpecialTokens: flags.addSpecialTokens,
                                                      threads: threads, assumingValidUTF8: true,
                                                      eachRow: fills.map(b.filler)) { rows in
                py.restoreThread(state)
                holdsGIL = true
                // Lists or flat arrays straight from the workers' buffers.
                if flat { return flatArrays(py, rows) }
                if let fills { return b.parallelLists(py, rows, fills) }
                return b.lists(py, rows.count) { i, make in rows.withRow(i, make) }
            }
        }
    } else {
        // Padded: the C batch's rows (padded to the longest).
        built = Result {
            let batch = try encodeBatch(b.handle, texts, flags, threads, assumingValidUTF8: true)
            py.restoreThread(state)
            holdsGIL = true
            if flat { return flatArrays(py, batch) }
            guard let starts = batch.starts.pointer else { return py.listNew(0) }  // No rows.
            return b.lists(py, batch.count) { i, make in
                make(UnsafeBufferPointer(start: batch.ids.pointer.map { UnsafePointer($0 + starts[i]) },
                                         count: starts[i + 1] - starts[i]))
            }
        }
    }
    if !holdsGIL { py.restoreThread(state) }
    switch built {
    case .success(let result): return result
    case .failure(let error): return py.raise(error)
    }
}

/// (ids, starts) bytearrays of `rows` flattened (encode_batch_ids' flat form), or NULL with the exception set.
private func flatArrays(_ py: CPython, _ rows: IdsRows) -> PyObject? {
    let ids = py.bytearray(of: UInt32.self, rows.idCount) { p in
        var o = 0
        for i in 0..<rows.count {
            rows.withRow(i) { r in
                if let base = r.baseAddress { (p + o).initialize(from: base, count: r.count) }
                o += r.count
            }
        }
    }
    return flatPair(py, ids, rows.count) { p in
        var o = 0
        p[0] = 0
        for i in 0..<rows.count {
            o += rows.count(ofRow: i)
            p[i + 1] = o
        }
    }
}

/// The same for a padded batch.
private func flatArrays(_ py: CPython, _ batch: BatchHandle) -> PyObject? {
    let ids = py.bytearray(of: UInt32.self, batch.ids.count) { p in
        if let src = batch.ids.pointer { p.initialize(from: src, count: batch.ids.count) }
    }
    return flatPair(py, ids, batch.count) { p in
        if let src = batch.starts.pointer, batch.starts.count == batch.count + 1 {
            p.initialize(from: src, count: batch.count + 1)
        } else {
            p.initialize(repeating: 0, count: batch.count + 1)
        }
    }
}

/// The tuple (ids, starts) with starts' `count + 1` entries written by `fill`; takes over `ids`.
private func flatPair(_ py: CPython, _ ids: PyObject?, _ count: Int, _ fill: (UnsafeMutablePointer<Int>) -> Void) -> PyObject? {
    guard let ids else { return nil }
    guard let starts = py.bytearray(of: Int.self, count + 1, fill) else {
        py.decref(ids)
        return nil
    }
    guard let pair = py.tupleNew(2) else {
        py.decref(ids)
        py.decref(starts)
        return nil
    }
    _ = py.tupleSetItem(pair, 0, ids)  // Steals both.
    _ = py.tupleSetItem(pair, 1, starts)
    return pair
}

/// A PyMethodDef {ml_name, ml_meth, ml_flags, ml_doc} (C layout, written field by field), never freed:
/// the function objects point to it.
private func methodDef(_ name: StaticString, _ fn: FastCall, _ doc: StaticString) -> UnsafeMutableRawPointer {
    let word = MemoryLayout<UnsafeRawPointer>.stride
    let def = UnsafeMutableRawPointer.allocate(byteCount: 4 * word, alignment: word)
    def.initializeMemory(as: UInt8.self, repeating: 0, count: 4 * word)
    def.storeBytes(of: UnsafeRawPointer(Static.c(name)), as: UnsafeRawPointer.self)
    def.storeBytes(of: unsafeBitCast(fn, to: UnsafeRawPointer.self), toByteOffset: word, as: UnsafeRawPointer.self)
    def.storeBytes(of: 0x0080 | 0x0002, toByteOffset: 2 * word, as: Int32.self)  // METH_FASTCALL | METH_KEYWORDS
    def.storeBytes(of: UnsafeRawPointer(Static.c(doc)), toByteOffset: 3 * word, as: UnsafeRawPointer.self)
    return def
}

private nonisolated(unsafe) let methodDefs: [UnsafeMutableRawPointer] = [
    methodDef("encode_ids", pyEncodeIds, "encode_ids(text, add_special_tokens=True)\n--\n\nThe ids of text (swifttok's builtin)."),
    methodDef("count_tokens", pyCountTokens, "count_tokens(text, add_special_tokens=True)\n--\n\nThe number of tokens of text."),
    methodDef("encode_batch_ids", pyEncodeBatchIds,
              "encode_batch_ids(texts, add_special_tokens, num_threads)\n--\n\nLists of ids, or None (use the fallback)."),
    methodDef("encode", pyEncode,
              "encode(text, pair, add_special_tokens)\n--\n\nEvery field of an Encoding, or None (use the fallback)."),
]

@c @implementation
public func swifttok_python_functions(_ tokenizer: OpaquePointer?, _ fallbacks: OpaquePointer?,
                                      _ options: UInt32) -> OpaquePointer? {
    guard let py = boundPython else { return nil }  // No table, no way to raise: ctypes reports the NULL.
    guard let h = TokenizerHandle.from(tokenizer) else {
        return py.raise(fail(SWIFTTOK_ERROR_NULL_ARGUMENT, "tokenizer is NULL"), LastError.current)
    }
    guard options & ~UInt32(SWIFTTOK_PYTHON_SHARED_INTS) == 0 else {
        return py.raise(fail(SWIFTTOK_ERROR_INVALID_ARGUMENT, "unknown options 0x\(String(options, radix: 16))"),
                        LastError.current)
    }
    guard let fallbacks, py.tupleSize(fallbacks) == methodDefs.count else {
        py.errClear()
        return py.raise(fail(SWIFTTOK_ERROR_INVALID_ARGUMENT, "fallbacks must be a tuple of \(methodDefs.count) callables"),
                        LastError.current)
    }
    var callables: [PyObject] = []
    for i in 0..<methodDefs.count {
        guard let f = py.tupleGetItem(fallbacks, i) else { return nil }
        py.incref(f)
        callables.append(f)
    }
    let b: PythonBinding
    do {
        b = try PythonBinding(h, callables, sharedInts: options & UInt32(SWIFTTOK_PYTHON_SHARED_INTS) != 0)
    } catch {
        for f in callables { py.decref(f) }
        return py.errNoMemory()
    }
    let retained = Unmanaged.passRetained(b)
    guard let capsule = py.capsuleNew(retained.toOpaque(), capsuleName, capsuleDestructor) else {
        b.dropReferences(py)
        retained.release()
        return nil
    }
    // The functions hold the capsule; the tuple holds the functions.
    defer { py.decref(capsule) }
    guard let result = py.tupleNew(methodDefs.count) else { return nil }
    for (i, def) in methodDefs.enumerated() {
        guard let fn = py.cfunctionNew(def, capsule, nil) else {
            py.decref(result)
            return nil
        }
        _ = py.tupleSetItem(result, i, fn)
    }
    return result
}


// -- encode(): every field of an Encoding in one call -------------------------------------------

extension PythonBinding {
    /// A new str of a token's UTF-8, shared per id when the binding keeps token strings: the one
    /// made before is reused when its text is the same (a padding token may carry another text).
    func tokenString(_ py: CPython, _ id: UInt32, _ token: String) -> PyObject? {
        var token = token
        return token.withUTF8 { utf8 -> PyObject? in
            let base = UnsafeRawPointer(utf8.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) } ?? Static.empty
            guard let strs, Int(id) < strs.count else { return py.fromUTF8(base, utf8.count) }
            if let cached = strs[Int(id)] {
                var size = 0
                if let p = py.asUTF8(cached, &size), size == utf8.count, memcmp(p, base, size) == 0 {
                    py.incref(cached)
                    return cached
                }
                py.errClear()
                return py.fromUTF8(base, utf8.count)
            }
            guard let made = py.fromUTF8(base, utf8.count) else { return nil }
            strs[Int(id)] = made
            py.incref(made)
            return made
        }
    }

    /// (ids, type_ids, tokens, offsets, attention_mask, special_tokens_mask, word_ids, overflowing)
    /// of `e` as a new tuple of lists (offsets: (start, end) tuples; word ids: int or None;
    /// overflowing: a tuple of such tuples), or NULL with the exception set.
    func fields(_ py: CPython, _ e: Encoding) -> PyObject? {
        guard let result = py.tupleNew(8) else { return nil }
        func put(_ i: Int, _ value: PyObject?) -> Bool {
            guard let value else { return false }
            _ = py.tupleSetItem(result, i, value)  // Steals `value`.
            return true
        }
        func small(_ values: [UInt32]) -> PyObject? {
            values.withUnsafeBufferPointer { list(py, $0.baseAddress, $0.count) }
        }
        func build(_ count: Int, _ item: (Int) -> PyObject?) -> PyObject? {
            guard let l = py.listNew(count) else { return nil }
            for i in 0..<count {
                guard let v = item(i) else {
                    py.decref(l)
                    return nil
                }
                _ = py.listSetItem(l, i, v)
            }
            return l
        }
        let complete = put(0, small(e.ids)) && put(1, small(e.typeIds))
            && put(2, build(e.count) { tokenString(py, e.ids[$0], e.tokens[$0]) })
            && put(3, build(e.count) { i -> PyObject? in
                guard let pair = py.tupleNew(2) else { return nil }
                guard put2(py, pair, 0, py.longFromSize(e.offsets[i].0)), put2(py, pair, 1, py.longFromSize(e.offsets[i].1)) else {
                    py.decref(pair)
                    return nil
                }
                return pair
            })
            && put(4, small(e.attentionMask)) && put(5, small(e.specialTokensMask))
            && put(6, build(e.count) { i -> PyObject? in
                guard let w = e.wordIds[i] else {
                    py.incref(py.none)
                    return py.none
                }
                return py.longFromSize(Int(w))
            })
            && put(7, { () -> PyObject? in
                guard let parts = py.tupleNew(e.overflowing.count) else { return nil }
                for (k, part) in e.overflowing.enumerated() {
                    guard put2(py, parts, k, fields(py, part)) else {
                        py.decref(parts)
                        return nil
                    }
                }
                return parts
            }())
        guard complete else {
            py.decref(result)
            return nil
        }
        return result
    }
}

/// Stores `value` (stolen) at `index` of a new tuple; false when `value` is NULL.
private func put2(_ py: CPython, _ tuple: PyObject, _ index: Int, _ value: PyObject?) -> Bool {
    guard let value else { return false }
    _ = py.tupleSetItem(tuple, index, value)
    return true
}

/// encode(text, pair, add_special_tokens): the fields tuple of PythonBinding.fields, offsets in
/// characters (as the package's encode), or None when text or pair is not a str with a UTF-8 form
/// (the caller's own path then raises what it raises).
private func pyEncode(_ capsule: PyObject?, _ args: UnsafePointer<PyObject?>?, _ nargs: Int, _ kwnames: PyObject?) -> PyObject? {
    guard let py = boundPython, let b = binding(py, capsule) else { return nil }
    guard let args, nargs == 3, kwnames == nil else { return py.vectorcall(b.fallbacks[3], args, nargs, kwnames) }
    func utf8(_ o: PyObject?) throws(CError) -> [UInt8]? {
        var size = 0
        guard let p = py.asUTF8(o, &size) else {
            py.errClear()
            return nil
        }
        try checkLength(size, "text", "bytes")
        try requireMemory(size, perUnit: 1, "a copy of \(size) bytes")
        return Array(UnsafeRawBufferPointer(start: p, count: size))
    }
    let text: [UInt8]
    var pair: [UInt8]? = nil
    do {
        guard let t = try utf8(args[0]) else { return py.vectorcall(b.fallbacks[3], args, nargs, kwnames) }
        text = t
        if args[1] != py.none {
            guard let p = try utf8(args[1]) else { return py.vectorcall(b.fallbacks[3], args, nargs, kwnames) }
            pair = p
        }
    } catch {
        return py.raise(error)
    }
    let truth = py.isTrue(args[2])
    if truth < 0 { return nil }
    let add = truth != 0
    let tokenizer = b.handle.tokenizer
    let handle = b.handle
    let run = { Result { () throws -> Encoding in
        try handle.requireEncodingMemory(text, pair)
        return try tokenizer.encode(bytes: text, pair: pair, addSpecialTokens: add, offsets: .char)
    } }
    let encoded: Result<Encoding, Error>
    if text.count + (pair?.count ?? 0) <= gilHeldMax {
        encoded = run()
    } else {
        let state = py.saveThread()
        encoded = run()
        py.restoreThread(state)
    }
    switch encoded {
    case .success(let e): return b.fields(py, e)
    case .failure(let error): return py.raise(error)
    }
}
