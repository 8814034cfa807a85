/*
 * libFuzzer target: SentencePiece .model bytes (a protobuf) through swifttok_tokenizer_from_bytes,
 * then the calls only such models reach: encode, n-best (Unigram), sampling (Unigram and BPE
 * dropout), decode. Seeds: corpus/model (tiny models trained by make_seeds.py). Checked contracts:
 *   - failure <=> *out is NULL, with a last-error message
 *   - every id of every encoding is below swifttok_vocab_size, offsets lie inside the text
 *   - n-best: OK with 1..k segmentations (each non-NULL, index k gives NULL) or UNSUPPORTED
 *   - sampling: the same seed gives the same ids (the header's promise)
 *   - decode of those ids succeeds and the size query agrees with the written length
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "swifttok.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless `e` is a well-formed encoding of a text of `len` bytes under a vocabulary of `v`. */
static void check_encoding(const swifttok_tokenizer *t, const swifttok_encoding *e, size_t len, size_t v) {
    size_t m = swifttok_encoding_length(e), i, need = 0, got = 0;
    const uint32_t *ids = swifttok_encoding_ids(e);
    const swifttok_offset *off = swifttok_encoding_offsets(e);
    char *buf;
    swifttok_status s;
    if (m > 0 && (ids == NULL || off == NULL)) abort();
    for (i = 0; i < m; i++) {
        if (ids[i] >= v) abort();
        if (off[i].start > off[i].end || off[i].end > len) abort();
    }
    s = swifttok_decode(t, ids, m, 1, NULL, 0, &need);
    if (s != SWIFTTOK_OK && s != SWIFTTOK_ERROR_BUFFER_TOO_SMALL) abort();
    buf = (char *)malloc(need + 1);
    if (buf == NULL || swifttok_decode(t, ids, m, 1, buf, need + 1, &got) != SWIFTTOK_OK || got != need) abort();
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const texts[] = {"Hello world, the lazy dog!", " caf\xc3\xa9 \xef\xbc\xa1 123  x", ""};
    swifttok_tokenizer *t = (swifttok_tokenizer *)(uintptr_t)1;
    swifttok_status s = swifttok_tokenizer_from_bytes(data, size, &t);
    size_t i, v;
    if (s != SWIFTTOK_OK) {
        if (t != NULL) abort();
        if (swifttok_last_error()[0] == '\0') abort();
        return 0;
    }
    if (t == NULL) abort();
    v = swifttok_vocab_size(t);
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *text = texts[i];
        size_t len = strlen(text), j;
        swifttok_encoding *e = NULL, *a = NULL, *b = NULL;
        swifttok_nbest *nb = NULL;
        if (swifttok_encode(t, text, len, NULL, 0, SWIFTTOK_ADD_SPECIAL_TOKENS, &e) == SWIFTTOK_OK) {
            check_encoding(t, e, len, v);
        } else if (e != NULL) {
            abort();
        }
        swifttok_encoding_free(e);

        s = swifttok_encode_nbest(t, text, len, 0, 3, &nb);
        if (s == SWIFTTOK_OK) {
            size_t n = swifttok_nbest_count(nb);
            if (nb == NULL || n < 1 || n > 3 || swifttok_nbest_encoding(nb, n) != NULL) abort();
            for (j = 0; j < n; j++) {
                const swifttok_encoding *k = swifttok_nbest_encoding(nb, j);
                if (k == NULL) abort();
                check_encoding(t, k, len, v);
                (void)swifttok_nbest_score(nb, j);
            }
        } else if (nb != NULL || s == SWIFTTOK_OK) {
            abort();
        }
        swifttok_nbest_free(nb);

        /* -1: sample the whole lattice (Unigram); alpha is the merge dropout for a BPE model. */
        if (swifttok_encode_sample(t, text, len, 0, 0.5, -1, 7, &a) == SWIFTTOK_OK) {
            size_t m;
            check_encoding(t, a, len, v);
            if (swifttok_encode_sample(t, text, len, 0, 0.5, -1, 7, &b) != SWIFTTOK_OK) abort();
            m = swifttok_encoding_length(a);
            if (swifttok_encoding_length(b) != m) abort();
            if (m > 0 && memcmp(swifttok_encoding_ids(a), swifttok_encoding_ids(b), m * sizeof(uint32_t)) != 0) abort();
        } else if (a != NULL) {
            abort();
        }
        swifttok_encoding_free(a);
        swifttok_encoding_free(b);
    }
    swifttok_tokenizer_free(t);
    return 0;
}
