/*
 * libFuzzer target: swifttok_encode and friends on arbitrary bytes with a few fixed tokenizers
 * (SWIFTTOK_FUZZ_TOKENIZER=<path>[:<path>...], each a tokenizer.json, .tiktoken or .model; an entry
 * written +<path> also gets the round-trip property; default: a tiny built-in WordLevel).
 * Input: first byte = flags (low 2 bits) and the tokenizer (the next bits, modulo the count), the rest
 * = text (up to run.sh's -max_len, 8 KB: long enough that the fast paths cut it into pieces).
 * Checked properties:
 *   - valid UTF-8 <=> SWIFTTOK_OK, invalid <=> SWIFTTOK_ERROR_INVALID_UTF8
 *   - swifttok_encode, swifttok_encode_ids and swifttok_count_tokens agree
 *   - the decode stream's pieces concatenate to swifttok_decode's text, one id or 3 ids per step
 *   - a flat batch (swifttok_encode_batch_flat) of [text, ""] starts with the same ids
 *   - for +entries (byte-level tokenizers such as gpt2): decode(encode(x)) == x
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swifttok.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TOKENIZERS 8
static swifttok_tokenizer *g_toks[MAX_TOKENIZERS];
static int g_roundtrips[MAX_TOKENIZERS];
static size_t g_count;
/* The tokenizer of the current input (selected by its first byte). */
static swifttok_tokenizer *g_tok;
static int g_roundtrip;

static const char tiny_json[] =
    "{\"version\": \"1.0\", \"added_tokens\": [], \"normalizer\": {\"type\": \"Lowercase\"}, "
    "\"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"post_processor\": null, \"decoder\": null, "
    "\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"[UNK]\": 0, \"hello\": 1, \"world\": 2, \"!\": 3}, "
    "\"unk_token\": \"[UNK]\"}}";

/* Swift stores some references with tag bits in enum payloads, which LeakSanitizer does not see as
 * pointers: the process-lifetime tokenizer would be reported as leaked at exit unless freed. */
static void free_tokenizers(void) {
    size_t i;
    for (i = 0; i < g_count; i++) swifttok_tokenizer_free(g_toks[i]);
    g_count = 0;
    g_tok = NULL;
}

/* Loads one entry of SWIFTTOK_FUZZ_TOKENIZER (a path, or +path for the round-trip property). */
static void load(const char *entry, size_t length) {
    char path[4096];
    int roundtrip = length > 0 && entry[0] == '+';
    swifttok_status s;
    if (roundtrip) { entry++; length--; }
    if (length == 0 || length >= sizeof path || g_count == MAX_TOKENIZERS) {
        fprintf(stderr, "fuzz_encode: bad SWIFTTOK_FUZZ_TOKENIZER entry (at most %d paths)\n", MAX_TOKENIZERS);
        exit(1);
    }
    memcpy(path, entry, length);
    path[length] = '\0';
    s = swifttok_tokenizer_from_file(path, &g_toks[g_count]);
    if (s != SWIFTTOK_OK) {
        fprintf(stderr, "fuzz_encode: cannot load %s: %s\n", path, swifttok_last_error());
        exit(1);
    }
    fprintf(stderr, "fuzz_encode: tokenizer %zu: %s%s\n", g_count, path, roundtrip ? " (round trip)" : "");
    g_roundtrips[g_count++] = roundtrip;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    const char *list = getenv("SWIFTTOK_FUZZ_TOKENIZER");
    (void)argc;
    (void)argv;
    atexit(free_tokenizers);
    if (list != NULL && list[0] != '\0') {
        while (*list != '\0') {
            const char *end = strchr(list, ':');
            size_t n = end != NULL ? (size_t)(end - list) : strlen(list);
            load(list, n);
            list += n;
            if (*list == ':') list++;
        }
    } else if (swifttok_tokenizer_from_bytes((const uint8_t *)tiny_json, sizeof tiny_json - 1, &g_toks[0]) == SWIFTTOK_OK) {
        g_count = 1;
    } else {
        fprintf(stderr, "fuzz_encode: cannot load the built-in tokenizer: %s\n", swifttok_last_error());
        exit(1);
    }
    return 0;
}

/* A strict UTF-8 check (no surrogates, no overlongs, <= U+10FFFF), independent of the library. */
static int valid_utf8(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t len, k;
        uint32_t cp;
        if (c < 0x80) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
        else return 0;
        if (i + len > n) return 0;
        for (k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
        i += len;
    }
    return 1;
}

static char *decode(const uint32_t *ids, size_t n, size_t *len) {
    size_t need = 0;
    char *buf;
    swifttok_status s = swifttok_decode(g_tok, ids, n, 0, NULL, 0, &need);
    if (s != SWIFTTOK_OK && s != SWIFTTOK_ERROR_BUFFER_TOO_SMALL) abort();
    buf = (char *)malloc(need + 1);
    if (buf == NULL || swifttok_decode(g_tok, ids, n, 0, buf, need, len) != SWIFTTOK_OK || *len != need) abort();
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint32_t flags;
    const char *text;
    size_t len, count = 0, n = 0, i;
    swifttok_encoding *e = NULL;
    swifttok_status s;
    int valid;
    if (size == 0) return 0;
    flags = data[0] & 3u;
    g_tok = g_toks[(size_t)(data[0] >> 2) % g_count];
    g_roundtrip = g_roundtrips[(size_t)(data[0] >> 2) % g_count];
    text = (const char *)data + 1;
    len = size - 1;
    valid = valid_utf8(data + 1, len);

    s = swifttok_encode(g_tok, text, len, NULL, 0, flags, &e);
    if (!valid) {
        if (s != SWIFTTOK_ERROR_INVALID_UTF8 || e != NULL) abort();
        if (swifttok_count_tokens(g_tok, text, len, flags, &count) != SWIFTTOK_ERROR_INVALID_UTF8) abort();
        return 0;
    }
    if (s != SWIFTTOK_OK || e == NULL) abort();
    {
        const uint32_t *ids = swifttok_encoding_ids(e);
        const swifttok_offset *off = swifttok_encoding_offsets(e);
        size_t m = swifttok_encoding_length(e), dlen = 0, slen = 0;
        uint32_t *ids2 = (uint32_t *)malloc((m + 1) * sizeof(uint32_t));
        char *d, *acc;
        swifttok_decode_stream *st = NULL;
        for (i = 0; i < m; i++) {
            if (off[i].start > off[i].end || off[i].end > len) abort();
        }
        if (ids2 == NULL || swifttok_encode_ids(g_tok, text, len, flags, ids2, m, &n) != SWIFTTOK_OK || n != m) abort();
        if (m > 0 && memcmp(ids, ids2, m * sizeof(uint32_t)) != 0) abort();
        if (swifttok_count_tokens(g_tok, text, len, flags, &count) != SWIFTTOK_OK || count != m) abort();
        d = decode(ids, m, &dlen);
        if (g_roundtrip && (dlen != len || (len > 0 && memcmp(d, text, len) != 0))) abort();
        /* The stream's pieces concatenate to the decoded text. */
        acc = (char *)malloc(dlen + 1);
        if (acc == NULL || swifttok_decode_stream_new(g_tok, 0, &st) != SWIFTTOK_OK) abort();
        for (i = 0; i < m; i++) {
            size_t got = 0;
            char small[64];
            char *piece = small;
            swifttok_status ss = swifttok_decode_stream_step(st, ids[i], small, sizeof small, &got);
            if (ss == SWIFTTOK_ERROR_BUFFER_TOO_SMALL) {
                piece = (char *)malloc(got);
                if (piece == NULL) abort();
                ss = swifttok_decode_stream_step(st, ids[i], piece, got, &got);
            }
            if (ss != SWIFTTOK_OK) abort();
            if (slen + got > dlen || memcmp(d + slen, piece, got) != 0) abort();
            slen += got;
            if (piece != small) free(piece);
        }
        if (slen != dlen) abort();
        swifttok_decode_stream_free(st);
        /* ABI 0.2: the stream fed 3 ids per step gives the same text (pieces may group differently). */
        st = NULL;
        if (swifttok_decode_stream_new_with_ids(g_tok, 0, NULL, 0, &st) != SWIFTTOK_OK) abort();
        for (i = 0, slen = 0; i < m; i += 3) {
            size_t got = 0, k = m - i < 3 ? m - i : 3;
            swifttok_status ss = swifttok_decode_stream_step_ids(st, ids + i, k, NULL, 0, &got);
            char *piece;
            if (ss == SWIFTTOK_OK && got == 0) continue;
            if (ss != SWIFTTOK_ERROR_BUFFER_TOO_SMALL || (piece = (char *)malloc(got)) == NULL) abort();
            if (swifttok_decode_stream_step_ids(st, ids + i, k, piece, got, &got) != SWIFTTOK_OK) abort();
            if (slen + got > dlen || memcmp(d + slen, piece, got) != 0) abort();
            slen += got;
            free(piece);
        }
        if (slen != dlen) abort();
        swifttok_decode_stream_free(st);
        /* ABI 0.2: a flat batch of [text, ""] gives the text's ids first, with an all-ones mask. */
        {
            size_t offsets[3], total = 0, mtotal = 0, j;
            swifttok_batch *b = NULL;
            const uint32_t *bids, *mask;
            const size_t *starts;
            offsets[0] = 0;
            offsets[1] = offsets[2] = len;
            if (swifttok_encode_batch_flat(g_tok, text, offsets, 2, flags, 1, &b) != SWIFTTOK_OK || b == NULL) abort();
            bids = swifttok_batch_ids(b, &total);
            mask = swifttok_batch_attention_mask(b, &mtotal);
            starts = swifttok_batch_starts(b);
            if (swifttok_batch_count(b) != 2 || starts[0] != 0 || starts[1] != m || mtotal != total) abort();
            if (m > 0 && (bids == NULL || memcmp(bids, ids, m * sizeof(uint32_t)) != 0)) abort();
            for (j = 0; j < mtotal; j++) {
                if (mask[j] != 1) abort();
            }
            swifttok_batch_free(b);
        }
        free(acc);
        free(d);
        free(ids2);
    }
    swifttok_encoding_free(e);
    return 0;
}
