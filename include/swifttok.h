/*
 * swifttok.h — the C interface of swifttok, an exact and fast tokenizer engine.
 *
 * swifttok loads Hugging Face `tokenizer.json` files, tiktoken rank files and SentencePiece `.model`
 * files and gives the same token ids, tokens, offsets and decoded text as the reference libraries
 * (tokenizers, tiktoken, sentencepiece).
 *
 * Conventions
 * - Strings are UTF-8, passed as (pointer, length in bytes); they need no NUL terminator, except
 *   file paths, which are NUL-terminated C strings.
 * - Every function that can fail returns a swifttok_status. SWIFTTOK_OK is 0. On failure the
 *   output arguments are left unchanged (set to NULL / 0 where documented), and
 *   swifttok_last_error() returns a message for the calling thread.
 * - Objects are opaque handles created by a swifttok function and released by the matching
 *   `_free` function. Every `_free` accepts NULL and does nothing.
 * - Pointers returned by accessors ("borrowed") stay valid until the object they came from is
 *   freed; the caller must not free them.
 * - Thread safety: a swifttok_tokenizer is immutable; any number of threads may use one handle at
 *   the same time. swifttok_encoding, swifttok_batch and swifttok_texts are immutable after
 *   creation and may be read from several threads. A swifttok_decode_stream is mutable: use each
 *   one from one thread at a time.
 * - Nothing here aborts the process on bad input: NULL pointers, wrong lengths, invalid UTF-8,
 *   malformed files, too-small buffers and huge inputs return a status.
 *
 * Huge inputs
 * - A text (or token, path, file in memory) longer than SWIFTTOK_MAX_LENGTH bytes, or an id list
 *   longer than SWIFTTOK_MAX_LENGTH ids, is SWIFTTOK_ERROR_INVALID_ARGUMENT with a message naming
 *   the limit, before any of it is read. Split longer texts (e.g. at line ends) and encode the parts.
 * - The calls whose working memory grows with their input (swifttok_encode, swifttok_encode_ids,
 *   swifttok_count_tokens[_up_to], swifttok_encode_batch[_flat], swifttok_encode_nbest (k
 *   encodings' worth), swifttok_encode_sample, swifttok_decode[_batch], the decode streams' id
 *   lists, loading from bytes) check that the memory they will need can be
 *   allocated before they start, and return SWIFTTOK_ERROR_OUT_OF_MEMORY (the message says how
 *   much) when it cannot. The estimate is generous (ids-only encodes and counts: up to 64 bytes per
 *   input byte; full encodings: 512 bytes per token, found by counting the tokens first, which
 *   costs a count on texts of 64 KiB or more; decodes: 64 bytes per id), so under an address-space
 *   or ulimit cap a call near the cap may be refused that would have fitted. The check cannot
 *   reserve the memory: another thread may take it in between, and where the kernel overcommits
 *   (Linux by default) memory is only committed when touched, so only an out-of-memory killer can
 *   stop a process that exhausts physical memory. Inputs below 64 KiB are not checked.
 */
#ifndef SWIFTTOK_H
#define SWIFTTOK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------------------------- */

#define SWIFTTOK_VERSION_MAJOR 0
#define SWIFTTOK_VERSION_MINOR 6
#define SWIFTTOK_VERSION_PATCH 0
/** MAJOR * 10000 + MINOR * 100 + PATCH. */
#define SWIFTTOK_VERSION_NUMBER (SWIFTTOK_VERSION_MAJOR * 10000 + SWIFTTOK_VERSION_MINOR * 100 + SWIFTTOK_VERSION_PATCH)
#define SWIFTTOK_VERSION_STRING "0.6.0"

/** The version of the loaded library, as SWIFTTOK_VERSION_NUMBER (compare with the header's). */
unsigned swifttok_version_number(void);

/*
 * History (a minor version only adds functions; nothing changes meaning):
 * 0.1.0  first ABI.
 * 0.2.0  swifttok_tokenizer_get_truncation / _get_padding; swifttok_encode_batch applies the
 *        tokenizer's padding across the batch (pad to the longest) and swifttok_batch_attention_mask;
 *        swifttok_encode_batch_flat (one buffer of texts); swifttok_decode_stream_new_with_ids
 *        (prefilled stream) and swifttok_decode_stream_step_ids (several ids in one step).
 * 0.3.0  training: swifttok_train (files), swifttok_train_from_texts (memory), with the options of
 *        `swifttok train` as JSON; swifttok_tokenizer_to_json and swifttok_tokenizer_save.
 * 0.4.0  swifttok_short_call with swifttok_encode_ids_short / swifttok_count_tokens_short (the short
 *        calls in the shape that costs a binding such as Python ctypes least per call);
 *        n-best and sampled encodings: swifttok_encode_nbest (swifttok_nbest_count / _encoding /
 *        _score / _free) and swifttok_encode_sample.
 * 0.5.0  for the Python package only: swifttok_python_bind and swifttok_python_functions (the
 *        short calls and the batch as Python builtin functions made through CPython's own API).
 * 0.6.0  embeddings: swifttok_embedder_from_dir (the bundled BERT encoder), swifttok_embed (texts),
 *        swifttok_embed_ids (id sequences), _dimension, _max_length, _tokenizer, _free; for the
 *        Python package, the optional bytearray fields of swifttok_python_api (numpy batches).
 */

/** The version of the loaded library as a static string, e.g. "0.6.0". */
const char *swifttok_version_string(void);

/* ---------------------------------------------------------------------------------------------
 * Status codes. The numbers never change meaning; new codes may be added.
 * ------------------------------------------------------------------------------------------- */

typedef enum swifttok_status {
    SWIFTTOK_OK = 0,
    /** A required pointer argument was NULL. */
    SWIFTTOK_ERROR_NULL_ARGUMENT = 1,
    /** An argument was out of its range or inconsistent (a length, a flag, an option). */
    SWIFTTOK_ERROR_INVALID_ARGUMENT = 2,
    /** Text given to the library was not valid UTF-8. */
    SWIFTTOK_ERROR_INVALID_UTF8 = 3,
    /** A file could not be opened or read. */
    SWIFTTOK_ERROR_IO = 4,
    /** A tokenizer file was malformed (bad JSON, wrong-typed or missing field, bad merges ...). */
    SWIFTTOK_ERROR_MALFORMED = 5,
    /** A tokenizer file uses a component or format swifttok does not support. */
    SWIFTTOK_ERROR_UNSUPPORTED = 6,
    /** The caller's buffer was too small; the size needed was written to the size output. */
    SWIFTTOK_ERROR_BUFFER_TOO_SMALL = 7,
    /** An index or id was out of range. */
    SWIFTTOK_ERROR_OUT_OF_RANGE = 8,
    /** Encoding failed for a reason other than the above (e.g. impossible truncation settings). */
    SWIFTTOK_ERROR_ENCODING = 9,
    /** Memory could not be allocated. */
    SWIFTTOK_ERROR_OUT_OF_MEMORY = 10
} swifttok_status;

/**
 * The longest text, in bytes, and the longest id list, in ids, a call accepts (INT32_MAX): some
 * positions inside are kept in 32 bits. Since 0.5.
 */
#define SWIFTTOK_MAX_LENGTH 2147483647

/** A static, never-NULL English description of a status code (unknown codes included). */
const char *swifttok_status_string(swifttok_status status);

/**
 * The message of the last failure on the calling thread (thread-local), or "" when there is none.
 * Valid until the next swifttok call on the same thread.
 */
const char *swifttok_last_error(void);

/* ---------------------------------------------------------------------------------------------
 * Tokenizers
 * ------------------------------------------------------------------------------------------- */

/** An immutable tokenizer; share it freely across threads. */
typedef struct swifttok_tokenizer swifttok_tokenizer;

/**
 * Loads a tokenizer from a file, whose format is told by its content (not its name):
 * - a Hugging Face tokenizer.json (the first non-blank byte is '{');
 * - a SentencePiece .model (a serialized ModelProto: Unigram, BPE, WORD or CHAR models, with their
 *   normalizer), as the sentencepiece library encodes and decodes it;
 * - a tiktoken rank file (lines of base64 token and rank) of a known vocabulary, told by its number
 *   of ranks: r50k_base, p50k_base, cl100k_base, o200k_base, Llama 3's tokenizer.model, Qwen's
 *   qwen.tiktoken (another rank count is SWIFTTOK_ERROR_UNSUPPORTED: its split pattern is unknown).
 * `path` is NUL-terminated. On success `*out` owns a new tokenizer (free with
 * swifttok_tokenizer_free); on failure `*out` is set to NULL (SWIFTTOK_ERROR_IO: unreadable;
 * SWIFTTOK_ERROR_MALFORMED: a broken file of a known format; SWIFTTOK_ERROR_UNSUPPORTED: no known
 * format, or a component swifttok does not implement).
 */
swifttok_status swifttok_tokenizer_from_file(const char *path, swifttok_tokenizer **out);

/** Like swifttok_tokenizer_from_file, from the bytes of such a file in memory (copied; the
 *  same formats, told the same way). data may be NULL when length is 0 (MALFORMED: empty). */
swifttok_status swifttok_tokenizer_from_bytes(const uint8_t *data, size_t length, swifttok_tokenizer **out);

/** Releases a tokenizer. NULL is allowed. */
void swifttok_tokenizer_free(swifttok_tokenizer *tokenizer);

/** Vocabulary size including added tokens; 0 for NULL. */
size_t swifttok_vocab_size(const swifttok_tokenizer *tokenizer);

/** The id of a token (added tokens first, then the model's vocabulary). */
swifttok_status swifttok_token_to_id(const swifttok_tokenizer *tokenizer, const char *token, size_t length,
                                     uint32_t *out_id);

/**
 * The token of an id, written to `buffer` (not NUL-terminated); `*out_length` receives its length
 * in bytes. With a too-small buffer (or buffer NULL and capacity 0, to ask for the size) returns
 * SWIFTTOK_ERROR_BUFFER_TOO_SMALL and writes the needed length. Unknown ids: OUT_OF_RANGE.
 */
swifttok_status swifttok_id_to_token(const swifttok_tokenizer *tokenizer, uint32_t id, char *buffer,
                                     size_t capacity, size_t *out_length);

/* ---------------------------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------------------------- */

/** Flags for encoding calls (bitwise OR). */
enum {
    /** Add the post-processor's special tokens ([CLS] ... [SEP], <s> ... </s>, BOS ...). */
    SWIFTTOK_ADD_SPECIAL_TOKENS = 1u << 0,
    /** Offsets in Unicode scalars (as tokenizers' Python API) instead of UTF-8 bytes. */
    SWIFTTOK_CHAR_OFFSETS = 1u << 1
};

typedef enum swifttok_truncation_strategy {
    SWIFTTOK_TRUNCATE_LONGEST_FIRST = 0,
    SWIFTTOK_TRUNCATE_ONLY_FIRST = 1,
    SWIFTTOK_TRUNCATE_ONLY_SECOND = 2
} swifttok_truncation_strategy;

typedef enum swifttok_direction {
    SWIFTTOK_RIGHT = 0,
    SWIFTTOK_LEFT = 1
} swifttok_direction;

/** Truncation settings (tokenizers' enable_truncation). */
typedef struct swifttok_truncation {
    size_t max_length;
    size_t stride;
    swifttok_truncation_strategy strategy;
    swifttok_direction direction;
} swifttok_truncation;

/** Padding settings (tokenizers' enable_padding). length 0 = pad to the longest in the batch. */
typedef struct swifttok_padding {
    size_t length;
    size_t pad_to_multiple_of; /**< 0 = none */
    swifttok_direction direction;
    uint32_t pad_id;
    uint32_t pad_type_id;
    const char *pad_token; /**< UTF-8, NUL-terminated; NULL = "[PAD]" */
} swifttok_padding;

/**
 * A new tokenizer equal to `tokenizer` with the given truncation and padding (NULL = disabled:
 * this also removes settings the file carried). The original handle is unchanged.
 */
swifttok_status swifttok_tokenizer_configure(const swifttok_tokenizer *tokenizer,
                                             const swifttok_truncation *truncation,
                                             const swifttok_padding *padding, swifttok_tokenizer **out);

/**
 * The truncation settings of `tokenizer` (from its file or swifttok_tokenizer_configure).
 * `*out_enabled` receives 1 and `*out` the settings when truncation is on; 0 and a zeroed `*out`
 * when it is off. Since 0.2. Thread-safe (the tokenizer is immutable).
 */
swifttok_status swifttok_tokenizer_get_truncation(const swifttok_tokenizer *tokenizer, int *out_enabled,
                                                  swifttok_truncation *out);

/**
 * The padding settings of `tokenizer`, as swifttok_tokenizer_get_truncation. `out->length` is 0 for
 * "pad to the longest of a batch". `out->pad_token` is borrowed: a NUL-terminated string owned by
 * the tokenizer, valid until it is freed. Since 0.2. Thread-safe.
 */
swifttok_status swifttok_tokenizer_get_padding(const swifttok_tokenizer *tokenizer, int *out_enabled,
                                               swifttok_padding *out);

/* ---------------------------------------------------------------------------------------------
 * Encoding one input
 * ------------------------------------------------------------------------------------------- */

/** The full result of encoding one input or pair; immutable. */
typedef struct swifttok_encoding swifttok_encoding;

/** A token's span in the input: [start, end) in bytes, or in scalars with SWIFTTOK_CHAR_OFFSETS. */
typedef struct swifttok_offset {
    uint64_t start;
    uint64_t end;
} swifttok_offset;

/**
 * Encodes `text` (and `pair` when not NULL) with `flags`. Empty text is fine (text may be NULL
 * when length is 0). On success `*out` owns a new encoding (free with swifttok_encoding_free).
 */
swifttok_status swifttok_encode(const swifttok_tokenizer *tokenizer, const char *text, size_t length,
                                const char *pair, size_t pair_length, uint32_t flags, swifttok_encoding **out);

/** Releases an encoding. NULL is allowed. */
void swifttok_encoding_free(swifttok_encoding *encoding);

/** Number of tokens; 0 for NULL. All the arrays below have this many elements. */
size_t swifttok_encoding_length(const swifttok_encoding *encoding);

/** Borrowed arrays of the encoding (NULL for a NULL encoding or an empty one). */
const uint32_t *swifttok_encoding_ids(const swifttok_encoding *encoding);
const uint32_t *swifttok_encoding_type_ids(const swifttok_encoding *encoding);
const uint32_t *swifttok_encoding_attention_mask(const swifttok_encoding *encoding);
const uint32_t *swifttok_encoding_special_tokens_mask(const swifttok_encoding *encoding);
const swifttok_offset *swifttok_encoding_offsets(const swifttok_encoding *encoding);
/** Word index of each token, or -1 for special and padding tokens. */
const int64_t *swifttok_encoding_word_ids(const swifttok_encoding *encoding);

/**
 * The token string at `index`, borrowed (not NUL-terminated); `*out_length` gets its length.
 * Returns NULL (and length 0) when the index is out of range.
 */
const char *swifttok_encoding_token(const swifttok_encoding *encoding, size_t index, size_t *out_length);

/** Number of overflowing parts produced by truncation. */
size_t swifttok_encoding_overflowing_count(const swifttok_encoding *encoding);

/** The overflowing part at `index`, borrowed (do not free); NULL when out of range. */
const swifttok_encoding *swifttok_encoding_overflowing(const swifttok_encoding *encoding, size_t index);

/**
 * The zero-allocation path: writes the ids of `text` into `ids` (capacity elements) and their
 * number into `*out_count`. When the buffer is too small returns SWIFTTOK_ERROR_BUFFER_TOO_SMALL
 * with the needed count in `*out_count` (pass ids NULL and capacity 0 to ask).
 */
swifttok_status swifttok_encode_ids(const swifttok_tokenizer *tokenizer, const char *text, size_t length,
                                    uint32_t flags, uint32_t *ids, size_t capacity, size_t *out_count);

/** Number of tokens `text` encodes to (with `flags`), without returning the ids. */
swifttok_status swifttok_count_tokens(const swifttok_tokenizer *tokenizer, const char *text, size_t length,
                                      uint32_t flags, size_t *out_count);

/**
 * The short calls of swifttok_encode_ids / swifttok_count_tokens, shaped for bindings that pay for
 * every argument they convert (Python ctypes: a pointer to a struct it keeps, a bytes object and two
 * plain ints convert fastest). The caller fills a swifttok_short_call once and reuses it; one
 * swifttok_short_call per thread (the calls write `needed`). Since 0.4.
 */
typedef struct swifttok_short_call {
    const swifttok_tokenizer *tokenizer;
    /** Output buffer of `capacity` ids (may be NULL with capacity 0). */
    uint32_t *ids;
    size_t capacity;
    /** Out: the number of ids when SWIFTTOK_ERROR_BUFFER_TOO_SMALL is returned. */
    size_t needed;
} swifttok_short_call;

/**
 * swifttok_encode_ids on call->tokenizer into call->ids: returns the number of ids (>= 0), or the
 * negated status on failure (-SWIFTTOK_ERROR_BUFFER_TOO_SMALL with call->needed set when the ids do
 * not fit; nothing is written then). `length` is in bytes; a negative length is
 * -SWIFTTOK_ERROR_INVALID_ARGUMENT (longer texts go through swifttok_encode_ids).
 */
ptrdiff_t swifttok_encode_ids_short(swifttok_short_call *call, const char *text, int32_t length, uint32_t flags);

/** swifttok_count_tokens on call->tokenizer: the number of tokens (>= 0), or the negated status. */
ptrdiff_t swifttok_count_tokens_short(swifttok_short_call *call, const char *text, int32_t length, uint32_t flags);

/**
 * Counts tokens up to `limit`, for budgeting prompts: `*out_count` receives min(count, limit) and
 * `*out_byte_end` the byte offset in `text` where the first `*out_count` tokens end (the whole
 * length when the text fits).
 */
swifttok_status swifttok_count_tokens_up_to(const swifttok_tokenizer *tokenizer, const char *text, size_t length,
                                            uint32_t flags, size_t limit, size_t *out_count, size_t *out_byte_end);

/* ---------------------------------------------------------------------------------------------
 * N-best and sampled encodings (subword regularization): SentencePiece .model files, and
 * tokenizer.json files whose model is Unigram. Other tokenizers return SWIFTTOK_ERROR_UNSUPPORTED.
 * ------------------------------------------------------------------------------------------- */

/** The K best segmentations of one input, best first, each an encoding with its score; immutable. */
typedef struct swifttok_nbest swifttok_nbest;

/** The largest K (and sampling nbest_size) accepted, as sentencepiece's limit. */
#define SWIFTTOK_NBEST_MAX 512

/**
 * The `k` best segmentations of `text` (1 <= k <= SWIFTTOK_NBEST_MAX; fewer when the text has
 * fewer). For a .model file they are sentencepiece's `nbest_encode(text, nbest_size=k)`, same
 * order and scores (a UNIGRAM .model only: BPE, WORD and CHAR models are SWIFTTOK_ERROR_UNSUPPORTED).
 * `flags` as swifttok_encode (no pair). k = 0 or k > SWIFTTOK_NBEST_MAX is
 * SWIFTTOK_ERROR_INVALID_ARGUMENT. On success `*out` owns a new list (free with
 * swifttok_nbest_free); on failure `*out` is set to NULL.
 */
swifttok_status swifttok_encode_nbest(const swifttok_tokenizer *tokenizer, const char *text, size_t length,
                                      uint32_t flags, size_t k, swifttok_nbest **out);

/** Releases an n-best list (and the encodings it lends). NULL is allowed. */
void swifttok_nbest_free(swifttok_nbest *nbest);

/** Number of segmentations in the list; 0 for NULL. */
size_t swifttok_nbest_count(const swifttok_nbest *nbest);

/** Segmentation `index`, borrowed from the list (do not free); NULL when out of range. */
const swifttok_encoding *swifttok_nbest_encoding(const swifttok_nbest *nbest, size_t index);

/** The score of segmentation `index` (the sum of its pieces' scores); 0 when out of range. */
double swifttok_nbest_score(const swifttok_nbest *nbest, size_t index);

/**
 * One segmentation of `text` sampled with a generator seeded by `seed` (the same seed gives the
 * same result): for a .model file as sentencepiece's `encode(text, enable_sampling=True,
 * alpha=alpha, nbest_size=nbest_size)` samples (the same distribution; not the same draws, the
 * generators differ). Unigram: `nbest_size` -1 samples the whole lattice, > 1 among the
 * nbest_size best, 0 or 1 gives the best segmentation; BPE .model: `alpha` is the merge dropout
 * probability and nbest_size is ignored. `alpha` must be finite and >= 0, and nbest_size
 * between -1 and SWIFTTOK_NBEST_MAX: otherwise SWIFTTOK_ERROR_INVALID_ARGUMENT.
 * On success `*out` owns a new encoding (free with swifttok_encoding_free); on failure NULL.
 */
swifttok_status swifttok_encode_sample(const swifttok_tokenizer *tokenizer, const char *text, size_t length,
                                       uint32_t flags, double alpha, int64_t nbest_size, uint64_t seed,
                                       swifttok_encoding **out);

/* ---------------------------------------------------------------------------------------------
 * Batches
 * ------------------------------------------------------------------------------------------- */

/** The ids of many inputs as one flat array plus per-input offsets; immutable. */
typedef struct swifttok_batch swifttok_batch;

/**
 * Encodes `count` texts (texts[i] with lengths[i] bytes) on `threads` threads (0 = all cores;
 * no global pool, safe after fork). The texts are read in place during the call and not kept:
 * keep them unchanged until it returns. On success `*out` owns a batch (free with swifttok_batch_free).
 * If any input fails, nothing is returned and the status names the first failing input's problem.
 * Truncation and padding follow the tokenizer's settings, as tokenizers' encode_batch: with
 * padding length 0 every input is padded to the longest of the batch (rounded up to
 * pad_to_multiple_of), with a fixed length each input is padded to it (since 0.2); the attention
 * mask (swifttok_batch_attention_mask) tells padding from real tokens.
 */
swifttok_status swifttok_encode_batch(const swifttok_tokenizer *tokenizer, const char *const *texts,
                                      const size_t *lengths, size_t count, uint32_t flags, size_t threads,
                                      swifttok_batch **out);

/**
 * swifttok_encode_batch with the texts in one buffer: text i is data[offsets[i] ..< offsets[i + 1]]
 * (`offsets` has count + 1 non-decreasing entries, offsets[count] <= the buffer's length; data
 * may be NULL when every text is empty). Saves building a pointer array (e.g. from Python,
 * where the texts are joined into one bytes object). The texts are read in place during the call
 * and not kept: keep them unchanged until it returns (free them any time after); on success `*out` owns a new batch (free with swifttok_batch_free), on failure it is
 * set to NULL. Thread-safe like swifttok_encode_batch (any number of calls on one tokenizer).
 * Since 0.2.
 */
swifttok_status swifttok_encode_batch_flat(const swifttok_tokenizer *tokenizer, const char *data,
                                           const size_t *offsets, size_t count, uint32_t flags, size_t threads,
                                           swifttok_batch **out);

/** Releases a batch. NULL is allowed. */
void swifttok_batch_free(swifttok_batch *batch);

/** Number of inputs in the batch. */
size_t swifttok_batch_count(const swifttok_batch *batch);

/**
 * The flat ids (borrowed); `*out_total` receives their number. The ids of input i are
 * ids[starts[i] ..< starts[i + 1]] with `starts` from swifttok_batch_starts.
 */
const uint32_t *swifttok_batch_ids(const swifttok_batch *batch, size_t *out_total);

/** count + 1 start indexes into the flat ids (borrowed). */
const size_t *swifttok_batch_starts(const swifttok_batch *batch);

/**
 * The attention mask of the flat ids (borrowed; as many entries as swifttok_batch_ids gives,
 * *out_total receives that number): 1 for a token, 0 for padding. Since 0.2.
 */
const uint32_t *swifttok_batch_attention_mask(const swifttok_batch *batch, size_t *out_total);

/* ---------------------------------------------------------------------------------------------
 * Decoding
 * ------------------------------------------------------------------------------------------- */

/**
 * Decodes ids into `buffer` (not NUL-terminated); `*out_length` receives the text's length. With
 * a too-small buffer returns SWIFTTOK_ERROR_BUFFER_TOO_SMALL and the needed length. Unknown ids
 * are skipped, as in tokenizers. `skip_special_tokens` is 0 or 1.
 */
swifttok_status swifttok_decode(const swifttok_tokenizer *tokenizer, const uint32_t *ids, size_t count,
                                int skip_special_tokens, char *buffer, size_t capacity, size_t *out_length);

/** Many decoded texts; immutable. */
typedef struct swifttok_texts swifttok_texts;

/** Decodes `count` id lists (ids[i] with counts[i] ids) on `threads` threads (0 = all cores). */
swifttok_status swifttok_decode_batch(const swifttok_tokenizer *tokenizer, const uint32_t *const *ids,
                                      const size_t *counts, size_t count, int skip_special_tokens,
                                      size_t threads, swifttok_texts **out);

/** Releases decoded texts. NULL is allowed. */
void swifttok_texts_free(swifttok_texts *texts);

/** Number of texts. */
size_t swifttok_texts_count(const swifttok_texts *texts);

/** Text `index` (borrowed, not NUL-terminated); NULL when out of range. */
const char *swifttok_texts_get(const swifttok_texts *texts, size_t index, size_t *out_length);

/* ---------------------------------------------------------------------------------------------
 * Streaming decoding (generation)
 * ------------------------------------------------------------------------------------------- */

/**
 * A streaming decoder: feed ids one at a time, get the text that is complete so far, exactly as
 * tokenizers' DecodeStream. Mutable: use one stream from one thread at a time (one per thread or
 * per generation). It keeps its tokenizer alive.
 */
typedef struct swifttok_decode_stream swifttok_decode_stream;

/** A new stream over `tokenizer`; `skip_special_tokens` is 0 or 1. */
swifttok_status swifttok_decode_stream_new(const swifttok_tokenizer *tokenizer, int skip_special_tokens,
                                           swifttok_decode_stream **out);

/**
 * A new stream that starts after `ids` (count ids, copied; e.g. the prompt): their text is never
 * returned, they are context for the first steps, as tokenizers' DecodeStream(ids=...).
 * ids may be NULL when count is 0. Since 0.2.
 */
swifttok_status swifttok_decode_stream_new_with_ids(const swifttok_tokenizer *tokenizer, int skip_special_tokens,
                                                    const uint32_t *ids, size_t count,
                                                    swifttok_decode_stream **out);

/** Releases a stream. NULL is allowed. */
void swifttok_decode_stream_free(swifttok_decode_stream *stream);

/**
 * Feeds one id. When new text is complete, it is copied to `buffer` and `*out_length` receives its
 * length (0 when no text is ready yet: the id may be the start of a multi-byte character). With a
 * too-small buffer returns SWIFTTOK_ERROR_BUFFER_TOO_SMALL and the needed length, and keeps the
 * text: call again with the same id and a larger buffer to get it (the id is not fed twice).
 */
swifttok_status swifttok_decode_stream_step(swifttok_decode_stream *stream, uint32_t id, char *buffer,
                                            size_t capacity, size_t *out_length);

/**
 * Feeds `count` ids at once (tokenizers' step with a list of ids): the text they complete, as
 * swifttok_decode_stream_step, including the too-small-buffer protocol (call again with the same
 * ids to fetch the kept text). ids may be NULL when count is 0. Since 0.2. Same thread rule.
 */
swifttok_status swifttok_decode_stream_step_ids(swifttok_decode_stream *stream, const uint32_t *ids, size_t count,
                                                char *buffer, size_t capacity, size_t *out_length);

/* ---------------------------------------------------------------------------------------------
 * Training (since 0.3)
 * ------------------------------------------------------------------------------------------- */

/*
 * Options: a UTF-8 JSON object (options_json, options_length bytes; NULL with length 0, or "{}",
 * for all defaults) with the options of the `swifttok train` command, named with '_' for '-':
 *   "model"                      "bpe" | "wordpiece" | "wordlevel" | "unigram"  (default: the preset's)
 *   "preset"                     "gpt2" | "bert" | "t5"  (default: as the model implies:
 *                                wordpiece -> bert, unigram -> t5, else gpt2)
 *   "vocab_size"                 integer, special tokens included (default 32000)
 *   "special_tokens"             array of strings (default: the preset's; [] for none)
 *   "min_frequency"              integer >= 0 (default 0)
 *   "limit_alphabet"             integer >= 1
 *   "initial_alphabet"           string: each character is an initial symbol (default: the preset's)
 *   "continuing_subword_prefix"  string (WordPiece default "##")
 *   "end_of_word_suffix"         string
 *   "max_token_length"           integer >= 1
 *   "unk_token"                  string (WordPiece, WordLevel, Unigram; default: the preset's)
 *   "threads"                    integer >= 0 (0 = all cores)
 *   "documents"                  true | false: each whole file is one sequence (default: each line,
 *                                with its line ending); swifttok_train only
 * Unigram only (since 0.4):
 *   "shrinking_factor"           number in (0, 1): fraction of pieces each pruning round keeps (0.75)
 *   "max_piece_length"           integer in 1...1024: the longest piece, in characters (16)
 *   "n_sub_iterations"           integer >= 1: EM iterations per pruning round (2)
 *   "seed_size"                  integer >= 1: seed pieces EM starts from (1000000)
 *   "byte_fallback"              true | false: add <0x00>...<0xFF> and set byte_fallback (false)
 *   "weight_seeds_by_count"      true | false: seed scores by corpus frequency, as sentencepiece (false)
 *   "sentence_piece_loss"        true | false: sentencepiece's pruning loss (false: tokenizers')
 * A key may be null (= its default). Unknown keys, wrong types, unknown model or preset names,
 * malformed JSON: SWIFTTOK_ERROR_INVALID_ARGUMENT (invalid UTF-8: SWIFTTOK_ERROR_INVALID_UTF8).
 * Training goes through the same code as `swifttok train`: the same corpus and options give the
 * same tokenizer.json bytes (swifttok_tokenizer_to_json) as the command writes.
 * An empty corpus (no words), or a vocab_size below the special tokens plus one token (BPE,
 * WordPiece: plus the alphabet) gives SWIFTTOK_ERROR_INVALID_ARGUMENT with the reason.
 * Thread safety: the training calls share no state; any number may run at the same time (each
 * uses "threads" threads of its own, no global pool). They block until training ends.
 */

/**
 * Trains a tokenizer on `count` files. paths[i] is a UTF-8 path of path_lengths[i] bytes (no NUL
 * needed; it may not contain one), or, when path_lengths is NULL, a NUL-terminated string. A path
 * may be a file, a directory (its regular files, recursively, sorted) or a glob pattern, as for
 * `swifttok train` ("-" is standard input). Lines that are not valid UTF-8 are skipped (as the command does); a corpus
 * with no valid line is SWIFTTOK_ERROR_INVALID_UTF8; a missing file SWIFTTOK_ERROR_IO.
 * On success `*out` owns a new tokenizer (free with swifttok_tokenizer_free); on failure it is NULL.
 */
swifttok_status swifttok_train(const char *const *paths, const size_t *path_lengths, size_t count,
                               const char *options_json, size_t options_length, swifttok_tokenizer **out);

/**
 * Trains a tokenizer on `count` texts in memory (texts[i] with lengths[i] bytes, copied; each text
 * is one sequence, as tokenizers' train_from_iterator). Every text must be valid UTF-8
 * (SWIFTTOK_ERROR_INVALID_UTF8 names the first that is not); texts[i] may be NULL when lengths[i]
 * is 0. "documents" has no effect here. Ownership and threads as swifttok_train.
 */
swifttok_status swifttok_train_from_texts(const char *const *texts, const size_t *lengths, size_t count,
                                          const char *options_json, size_t options_length,
                                          swifttok_tokenizer **out);

/**
 * The tokenizer.json document of `tokenizer` (as `swifttok train` and `swifttok save` write it:
 * UTF-8, indented, not NUL-terminated) copied to `buffer`; `*out_length` receives its length.
 * Size query: with a too-small buffer (or buffer NULL and capacity 0) returns
 * SWIFTTOK_ERROR_BUFFER_TOO_SMALL and writes the needed length. The document is built on each call
 * (cost grows with the vocabulary). A tokenizer loaded from a SentencePiece .model has no
 * tokenizer.json: SWIFTTOK_ERROR_UNSUPPORTED. Thread-safe (the tokenizer is immutable).
 */
swifttok_status swifttok_tokenizer_to_json(const swifttok_tokenizer *tokenizer, char *buffer, size_t capacity,
                                           size_t *out_length);

/**
 * Writes the tokenizer.json document of `tokenizer` (the bytes of swifttok_tokenizer_to_json) to
 * `path` (NUL-terminated), replacing the file. I/O errors: SWIFTTOK_ERROR_IO. Thread-safe as
 * swifttok_tokenizer_to_json (concurrent saves to one path are the caller's problem).
 */
swifttok_status swifttok_tokenizer_save(const swifttok_tokenizer *tokenizer, const char *path);

/* ---------------------------------------------------------------------------------------------
 * Embeddings (since 0.6): the bundled BERT sentence encoder (SwiftTokEmbed), text -> the model's
 * own tokenizer -> ids -> encoder -> pooled vector, as sentence-transformers computes it.
 * ------------------------------------------------------------------------------------------- */

/** A loaded encoder with its tokenizer; immutable: share it freely across threads. */
typedef struct swifttok_embedder swifttok_embedder;

/**
 * Loads a sentence-transformers BERT directory (NUL-terminated `path`): config.json,
 * model.safetensors (float32, float16 or bfloat16; memory-mapped), tokenizer.json, and when
 * present modules.json with 1_Pooling/config.json (pooling mode, L2 normalization) and
 * sentence_bert_config.json (max_seq_length). On success `*out` owns a new embedder (free with
 * swifttok_embedder_free); on failure `*out` is NULL: SWIFTTOK_ERROR_IO (a file missing or
 * unreadable), SWIFTTOK_ERROR_MALFORMED (a bad config, safetensors header, missing tensor, wrong
 * shape or dtype, truncated file), SWIFTTOK_ERROR_UNSUPPORTED (an unknown activation or pooling).
 */
swifttok_status swifttok_embedder_from_dir(const char *path, swifttok_embedder **out);

/** Releases an embedder. NULL is allowed. */
void swifttok_embedder_free(swifttok_embedder *embedder);

/** The length of each embedding, in floats (the model's hidden size); 0 for NULL. */
size_t swifttok_embedder_dimension(const swifttok_embedder *embedder);

/** The most tokens the model sees per input (longer texts are truncated to it); 0 for NULL. */
size_t swifttok_embedder_max_length(const swifttok_embedder *embedder);

/**
 * The embedder's tokenizer (the directory's tokenizer.json, truncated to max_length, no padding):
 * the ids swifttok_embed feeds the model are its swifttok_encode_ids with special tokens. On
 * success `*out` owns a new reference (free with swifttok_tokenizer_free; the embedder may be
 * freed first).
 */
swifttok_status swifttok_embedder_tokenizer(const swifttok_embedder *embedder, swifttok_tokenizer **out);

/**
 * Embeds `count` UTF-8 texts, text i being data[offsets[i] ..< offsets[i + 1]] (as
 * swifttok_encode_batch_flat: count + 1 non-decreasing offsets; data may be NULL when every text
 * is empty; an empty text is "[CLS] [SEP]"), on `threads` threads (0 = all cores). Writes
 * count * dimension floats to `out`, row i being text i's embedding; `*out_length` receives that
 * number. Size query: with a too-small `capacity` (in floats; out may be NULL with capacity 0)
 * returns SWIFTTOK_ERROR_BUFFER_TOO_SMALL and the needed number, and writes nothing. count 0
 * writes nothing and returns SWIFTTOK_OK. A text that is not valid UTF-8 is
 * SWIFTTOK_ERROR_INVALID_UTF8 (the message names it). Thread-safe: any number of calls on one
 * embedder at once.
 */
swifttok_status swifttok_embed(const swifttok_embedder *embedder, const char *data, const size_t *offsets,
                               size_t count, size_t threads, float *out, size_t capacity, size_t *out_length);

/**
 * Embeds `count` id sequences as given (no special tokens added: include the model's [CLS] and
 * [SEP] for what swifttok_embed computes), sequence i being ids[starts[i] ..< starts[i + 1]]
 * (count + 1 entries, starts[0] = 0, each sequence 1...max_length ids; else
 * SWIFTTOK_ERROR_INVALID_ARGUMENT). An id outside the model's vocabulary is
 * SWIFTTOK_ERROR_OUT_OF_RANGE. Output, size query and threads as swifttok_embed.
 */
swifttok_status swifttok_embed_ids(const swifttok_embedder *embedder, const uint32_t *ids, const size_t *starts,
                                   size_t count, size_t threads, float *out, size_t capacity, size_t *out_length);

/* ---------------------------------------------------------------------------------------------
 * For the Python package (since 0.5). Not for other callers.
 *
 * The package stays pure Python (ctypes, no compiled extension) and the library does not link
 * libpython: at import the package hands over the addresses of the CPython C API functions below
 * (ctypes.pythonapi, all in the stable ABI), and the library then makes real Python builtin
 * functions whose calls cost what calling a builtin costs, not a ctypes call: they read a str's
 * UTF-8 in place, encode, and build the list of ints themselves.
 * Every function here must be called with the GIL held (ctypes.PyDLL); the builtins release it
 * while they encode long texts and batches.
 * ------------------------------------------------------------------------------------------- */

/** CPython's PyObject (its struct tag is `_object`, so this is the same type as Python.h's). */
typedef struct _object swifttok_py_object;

/** The CPython functions the library calls, and two objects; every field must be set except the optional ones. */
typedef struct swifttok_python_api {
    /** sizeof(swifttok_python_api) as the caller compiled it (a table shorter than through
     *  gc_enable is refused; the fields after it are then taken as NULL). */
    size_t size;
    /** The exception class failures raise, called as error_class(status, message). */
    swifttok_py_object *error_class;
    /** The interned str "add_special_tokens" (the keyword the builtins take by identity). */
    swifttok_py_object *keyword;
    /** None. */
    swifttok_py_object *none;
    swifttok_py_object *(*list_new)(ptrdiff_t size);                                    /* PyList_New */
    int (*list_set_item)(swifttok_py_object *list, ptrdiff_t index, swifttok_py_object *item); /* PyList_SetItem */
    ptrdiff_t (*list_size)(swifttok_py_object *list);                                   /* PyList_Size */
    swifttok_py_object *(*list_get_item)(swifttok_py_object *list, ptrdiff_t index);    /* PyList_GetItem */
    swifttok_py_object *(*tuple_new)(ptrdiff_t size);                                   /* PyTuple_New */
    int (*tuple_set_item)(swifttok_py_object *tuple, ptrdiff_t index, swifttok_py_object *item); /* PyTuple_SetItem */
    ptrdiff_t (*tuple_size)(swifttok_py_object *tuple);                                 /* PyTuple_Size */
    swifttok_py_object *(*tuple_get_item)(swifttok_py_object *tuple, ptrdiff_t index);  /* PyTuple_GetItem */
    swifttok_py_object *(*long_from_size_t)(size_t value);                              /* PyLong_FromSize_t */
    ptrdiff_t (*long_as_ssize_t)(swifttok_py_object *value);                            /* PyLong_AsSsize_t */
    const char *(*unicode_as_utf8_and_size)(swifttok_py_object *text, ptrdiff_t *size); /* PyUnicode_AsUTF8AndSize */
    swifttok_py_object *(*unicode_from_string_and_size)(const char *text, ptrdiff_t size); /* PyUnicode_FromStringAndSize */
    int (*object_is_true)(swifttok_py_object *value);                                   /* PyObject_IsTrue */
    swifttok_py_object *(*vectorcall)(swifttok_py_object *callable, swifttok_py_object *const *args,
                                      size_t nargs, swifttok_py_object *kwnames);       /* PyObject_Vectorcall */
    void (*incref)(swifttok_py_object *value);                                          /* Py_IncRef */
    void (*decref)(swifttok_py_object *value);                                          /* Py_DecRef */
    void (*err_set_object)(swifttok_py_object *type, swifttok_py_object *value);        /* PyErr_SetObject */
    void (*err_clear)(void);                                                            /* PyErr_Clear */
    swifttok_py_object *(*err_no_memory)(void);                                         /* PyErr_NoMemory */
    void *(*save_thread)(void);                                                         /* PyEval_SaveThread */
    void (*restore_thread)(void *state);                                                /* PyEval_RestoreThread */
    swifttok_py_object *(*cfunction_new_ex)(void *method_def, swifttok_py_object *self,
                                            swifttok_py_object *module);                /* PyCFunction_NewEx */
    swifttok_py_object *(*capsule_new)(void *pointer, const char *name,
                                       void (*destructor)(swifttok_py_object *));       /* PyCapsule_New */
    void *(*capsule_get_pointer)(swifttok_py_object *capsule, const char *name);        /* PyCapsule_GetPointer */
    /** Optional (NULL: not used; Python < 3.10 has neither). The batch builtin pauses the cyclic
     *  collector while it builds its lists, which cannot form cycles: a collection every 700 new
     *  lists, traversing them all, cost ~12% of the batch. */
    int (*gc_disable)(void);                                                            /* PyGC_Disable */
    int (*gc_enable)(void);                                                             /* PyGC_Enable */
    /** Optional, and may be left out of the table (api->size up to gc_enable is taken): without
     *  them encode_batch_ids takes no `flat` argument. They make its bytearrays. */
    swifttok_py_object *(*bytearray_from_string_and_size)(const char *bytes, ptrdiff_t size); /* PyByteArray_FromStringAndSize */
    char *(*bytearray_as_string)(swifttok_py_object *bytearray);                        /* PyByteArray_AsString */
} swifttok_python_api;

/**
 * Keeps a copy of `api` (and references to its two objects) for swifttok_python_functions; call
 * once per process before it. SWIFTTOK_ERROR_NULL_ARGUMENT when api or a field is NULL,
 * SWIFTTOK_ERROR_INVALID_ARGUMENT when api->size is too small. A later call replaces the table.
 */
swifttok_status swifttok_python_bind(const swifttok_python_api *api);

/** swifttok_python_functions option: builtins share one int object per token id, and encode one
 *  str per token id (made on first use). */
#define SWIFTTOK_PYTHON_SHARED_INTS (1u << 0)

/**
 * A new tuple of four Python builtin functions on `tokenizer` (which they keep alive):
 *   encode_ids(text, add_special_tokens=True) -> list of int   (swifttok_encode_ids)
 *   count_tokens(text, add_special_tokens=True) -> int         (swifttok_count_tokens)
 *   encode_batch_ids(texts: list, add_special_tokens, num_threads) -> list of lists of int, or None
 *                                                               (swifttok_encode_batch, padded alike)
 *   encode_batch_ids(texts, add_special_tokens, num_threads, True) -> (ids, starts) or None: the
 *          same ids flat, as two new bytearrays in native byte order: ids of uint32_t and starts of
 *          count + 1 size_t, input i being ids[starts[i]:starts[i + 1]] (swifttok_encode_batch_flat;
 *          needs the optional bytearray fields of the table: without them, the fallback's result)
 *   encode(text, pair, add_special_tokens) -> (ids, type_ids, tokens, offsets, attention_mask,
 *          special_tokens_mask, word_ids, overflowing) or None: lists (offsets in characters, as
 *          (start, end) tuples; word ids int or None), overflowing a tuple of such tuples
 *                                                               (swifttok_encode with SWIFTTOK_CHAR_OFFSETS)
 * `fallbacks` is a tuple of four callables: a call the builtin does not take itself (text not a
 * str, a str with no UTF-8 form, other arguments or keywords) is passed to the matching one
 * unchanged and its result returned (encode_batch_ids and encode: the fallback's result, None for the
 * package, whose own path then takes the call).
 * Failures raise api->error_class(status, message) with the message swifttok_last_error would give
 * (SWIFTTOK_ERROR_OUT_OF_MEMORY included: the package's class makes that one a MemoryError); an
 * ids buffer that cannot be allocated raises MemoryError.
 * The builtins hold the GIL for texts up to 4096 UTF-8 bytes and release it while encoding longer
 * texts (text and pair, for encode) and batches; they may be called from any number of Python threads.
 * Returns NULL with a Python exception set on failure (ctypes.PyDLL raises it). `options`:
 * SWIFTTOK_PYTHON_SHARED_INTS or 0. A str's UTF-8 is read in place (CPython caches the UTF-8 of a
 * non-ASCII str in the str object).
 */
swifttok_py_object *swifttok_python_functions(const swifttok_tokenizer *tokenizer, swifttok_py_object *fallbacks,
                                              uint32_t options);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTTOK_H */
