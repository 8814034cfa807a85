/*
 * test_capi.c: tests of swifttok's C ABI (include/swifttok.h) through libswifttok.so.
 *
 *   test_capi [--shared DIR] [--expected FILE] [--rounds N] [--limit TEXTS] [--only gpt2,bert,cl100k]
 *             [--cli SWIFTTOK_CLI] [section ...]
 *
 * Sections: misuse, risky, memory, parity, train, embed, concurrency (default: all). "embed" checks
 * the bundled encoder against the model's reference embeddings (DIR/models/all-MiniLM-L6-v2;
 * skipped without it, its misuse part runs anyway). "memory" runs each
 * case in a forked child whose address space is capped (RLIMIT_AS); it is skipped under
 * AddressSanitizer and valgrind, whose own allocators cannot work under such a cap. "train" compares the C
 * training functions with `SWIFTTOK_CLI train` run on the same corpus (its parity part is skipped
 * without --cli). "parity" and the real-vocabulary part of "concurrency" need the shared folder (DIR/vocab/...) and the expected-ids file written by
 * Tests/c/make_expected.py from the reference libraries; without them they are skipped (reported,
 * never counted as passed). "risky" runs each case in a forked child so a crash in the library is
 * reported as a failure instead of ending the run.
 *
 * Prints "N passed, M failed" last; exits 1 on any failure.
 *
 * C99: compiles with -std=c99 -Wall -Wextra -Werror -pedantic under gcc and clang.
 */
#define _POSIX_C_SOURCE 200809L
/* MAP_ANONYMOUS and MAP_NORESERVE (the zero-page mappings of the memory section). */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "swifttok.h"

/* ---------------------------------------------------------------------------------------------
 * Checks
 * ------------------------------------------------------------------------------------------- */

static int g_passed;
static int g_failed;

static void check_at(int ok, const char *file, int line, const char *what) {
    if (ok) {
        g_passed++;
    } else {
        g_failed++;
        printf("FAIL %s:%d: %s\n", file, line, what);
        fflush(stdout);
    }
}

#define CHECK(cond) check_at((cond) ? 1 : 0, __FILE__, __LINE__, #cond)

/* Checks a status; a failure status must also leave a non-empty swifttok_last_error(). */
static void status_at(swifttok_status got, swifttok_status want, const char *file, int line, const char *expr) {
    const char *message = swifttok_last_error();
    int ok = got == want;
    if (ok && want != SWIFTTOK_OK && (message == NULL || message[0] == '\0')) {
        printf("FAIL %s:%d: %s: status %d as expected but swifttok_last_error() is empty\n", file, line, expr, (int)got);
        ok = 0;
    } else if (!ok) {
        printf("FAIL %s:%d: %s: got %d (%s), want %d (%s); last error: %s\n", file, line, expr, (int)got,
               swifttok_status_string(got), (int)want, swifttok_status_string(want), message ? message : "(NULL)");
    }
    if (ok) {
        g_passed++;
    } else {
        g_failed++;
        fflush(stdout);
    }
}

#define EXPECT_STATUS(call, want) status_at((call), (want), __FILE__, __LINE__, #call)

/* `call` fails with `want` and sets its out-pointer `out` to NULL: `out` is poisoned first so that a
 * call leaving it untouched is caught. Two checks, as EXPECT_STATUS then CHECK(out == NULL). */
#define EXPECT_FAILURE_NULLS(out, call, want)                          \
    do {                                                               \
        (out) = POISON;                                                \
        status_at((call), (want), __FILE__, __LINE__, #call);          \
        check_at((out) == NULL, __FILE__, __LINE__, #out " == NULL");  \
    } while (0)

static int bytes_equal(const void *a, size_t alen, const void *b, size_t blen) {
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static void print_escaped(const char *label, const char *s, size_t n) {
    size_t i;
    printf("    %s (%lu bytes): \"", label, (unsigned long)n);
    for (i = 0; i < n && i < 160; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') putchar(c);
        else printf("\\x%02x", c);
    }
    printf("%s\"\n", n > 160 ? "..." : "");
}

static void print_ids(const char *label, const uint32_t *ids, size_t n) {
    size_t i;
    printf("    %s (%lu):", label, (unsigned long)n);
    for (i = 0; i < n && i < 40; i++) printf(" %u", (unsigned)ids[i]);
    printf("%s\n", n > 40 ? " ..." : "");
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

/* A tiny WordLevel tokenizer (loads in tokenizers 0.23.3: Tokenizer.from_str gives hello=1 ","=4
 * world=2 "!"=3 for "Hello, World!"), so the misuse tests need no vocabulary files. */
static const char tiny_json[] =
    "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [{\"id\": 0, "
    "\"content\": \"[UNK]\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, "
    "\"special\": true}], \"normalizer\": {\"type\": \"Lowercase\"}, \"pre_tokenizer\": {\"type\": \"Whitespace\"}, "
    "\"post_processor\": null, \"decoder\": null, \"model\": {\"type\": \"WordLevel\", \"vocab\": {\"[UNK]\": 0, "
    "\"hello\": 1, \"world\": 2, \"!\": 3, \",\": 4, \"h\xc3\xa9llo\": 5}, \"unk_token\": \"[UNK]\"}}";

static swifttok_tokenizer *load_tiny(void) {
    swifttok_tokenizer *t = NULL;
    swifttok_status s = swifttok_tokenizer_from_bytes((const uint8_t *)tiny_json, sizeof tiny_json - 1, &t);
    if (s != SWIFTTOK_OK || t == NULL) {
        printf("FAIL: the tiny tokenizer does not load: %s: %s\n", swifttok_status_string(s), swifttok_last_error());
        g_failed++;
        return NULL;
    }
    return t;
}

/* A non-NULL pointer value the library must overwrite with NULL on failure. */
#define POISON ((void *)(uintptr_t)0x1)

/* Invalid UTF-8 samples: lone continuation, truncated 2-byte, surrogate, overlong, above U+10FFFF, 0xFF. */
static const char *const bad_utf8[] = {"\x80", "ab\xc3", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80", "x\xffy"};
#define BAD_UTF8_COUNT (sizeof bad_utf8 / sizeof bad_utf8[0])

/* ---------------------------------------------------------------------------------------------
 * Misuse: every bad call returns a status and never crashes
 * ------------------------------------------------------------------------------------------- */

static void test_version_and_status(void) {
    int code;
    CHECK(swifttok_version_number() == SWIFTTOK_VERSION_NUMBER);
    CHECK(swifttok_version_string() != NULL && strcmp(swifttok_version_string(), SWIFTTOK_VERSION_STRING) == 0);
    for (code = 0; code <= 10; code++) {
        const char *s = swifttok_status_string((swifttok_status)code);
        CHECK(s != NULL && s[0] != '\0');
    }
    {
        const int unknown[] = {11, 12, 100, 65535, 0x7fffffff};
        size_t i;
        for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
            const char *s = swifttok_status_string((swifttok_status)unknown[i]);
            CHECK(s != NULL && s[0] != '\0');
        }
    }
}

static void free_null(void) {
    swifttok_tokenizer_free(NULL);
    swifttok_encoding_free(NULL);
    swifttok_batch_free(NULL);
    swifttok_texts_free(NULL);
    swifttok_decode_stream_free(NULL);
    CHECK(1); /* reaching here is the test */
}

static int write_temp(const char *content, size_t n, char *path_out, size_t path_cap) {
    const char *dir = getenv("TMPDIR");
    int fd;
    FILE *f;
    snprintf(path_out, path_cap, "%s/swifttok-c-XXXXXX", dir && dir[0] ? dir : "/tmp");
    fd = mkstemp(path_out);
    if (fd < 0) return -1;
    f = fdopen(fd, "wb");
    if (f == NULL) {
        close(fd);
        return -1;
    }
    if (n > 0 && fwrite(content, 1, n, f) != n) {
        fclose(f);
        return -1;
    }
    fclose(f);
    return 0;
}

static void test_loading(void) {
    swifttok_tokenizer *t = (swifttok_tokenizer *)POISON;
    char path[512];
    size_t i;

    EXPECT_STATUS(swifttok_tokenizer_from_file(NULL, &t), SWIFTTOK_ERROR_NULL_ARGUMENT);
    CHECK(t == NULL);
    EXPECT_STATUS(swifttok_tokenizer_from_file("/nonexistent/swifttok/tokenizer.json", NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_FAILURE_NULLS(t, swifttok_tokenizer_from_file("/nonexistent/swifttok/tokenizer.json", &t), SWIFTTOK_ERROR_IO);
    t = (swifttok_tokenizer *)POISON;
    CHECK(swifttok_tokenizer_from_file("/", &t) != SWIFTTOK_OK && t == NULL); /* a directory */

    EXPECT_FAILURE_NULLS(t, swifttok_tokenizer_from_bytes(NULL, 10, &t), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_tokenizer_from_bytes((const uint8_t *)tiny_json, sizeof tiny_json - 1, NULL),
                  SWIFTTOK_ERROR_NULL_ARGUMENT);
    t = (swifttok_tokenizer *)POISON;
    CHECK(swifttok_tokenizer_from_bytes(NULL, 0, &t) != SWIFTTOK_OK && t == NULL); /* empty input */
    CHECK(swifttok_last_error()[0] != '\0');

    {
        /* Malformed JSON and malformed tokenizer documents. */
        static const char *const malformed[] = {
            "{",
            "{\"model\": 5}",
            "{}",
            "{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": \"zero\"}, \"unk_token\": \"a\"}}",
            "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b\"]}}",
            ("{\"version\": \"1.0\", \"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0}, \"unk_token\": \"a\"}, "
             "\"added_tokens\": [{\"id\": \"x\"}]}"),
            "{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0}, \"unk_token\": \"a\"}, \"normalizer\": 7}",
        };
        for (i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
            swifttok_status s;
            t = (swifttok_tokenizer *)POISON;
            s = swifttok_tokenizer_from_bytes((const uint8_t *)malformed[i], strlen(malformed[i]), &t);
            if (s != SWIFTTOK_ERROR_MALFORMED || t != NULL) {
                printf("    malformed input %lu: %s\n", (unsigned long)i, malformed[i]);
            }
            EXPECT_STATUS(s, SWIFTTOK_ERROR_MALFORMED);
            CHECK(t == NULL);
            if (t != NULL && t != (swifttok_tokenizer *)POISON) swifttok_tokenizer_free(t);
        }
    }
    {
        /* Unknown component types and bytes in no known format are UNSUPPORTED (or MALFORMED), never a
         * crash or a success. */
        static const char *const unsupported[] = {
            "not json at all",
            "[1, 2, 3]",
            "\n",
            "{\"model\": {\"type\": \"NoSuchModel\"}}",
            ("{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0}, \"unk_token\": \"a\"}, "
             "\"normalizer\": {\"type\": \"NoSuchNormalizer\"}}"),
        };
        for (i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++) {
            swifttok_status s;
            t = (swifttok_tokenizer *)POISON;
            s = swifttok_tokenizer_from_bytes((const uint8_t *)unsupported[i], strlen(unsupported[i]), &t);
            if (s != SWIFTTOK_ERROR_UNSUPPORTED && s != SWIFTTOK_ERROR_MALFORMED) {
                printf("    unsupported input %lu: status %d (%s)\n", (unsigned long)i, (int)s, swifttok_last_error());
            }
            CHECK((s == SWIFTTOK_ERROR_UNSUPPORTED || s == SWIFTTOK_ERROR_MALFORMED) && t == NULL);
            CHECK(swifttok_last_error()[0] != '\0');
        }
    }
    {
        /* Every prefix of a valid file is rejected cleanly (truncated downloads). */
        size_t n = sizeof tiny_json - 1, cut, bad = 0;
        for (cut = 1; cut < n; cut += 7) {
            t = (swifttok_tokenizer *)POISON;
            if (swifttok_tokenizer_from_bytes((const uint8_t *)tiny_json, cut, &t) == SWIFTTOK_OK || t != NULL) {
                if (bad++ == 0) printf("    prefix of %lu bytes was accepted\n", (unsigned long)cut);
                if (t != NULL && t != (swifttok_tokenizer *)POISON) swifttok_tokenizer_free(t);
            }
        }
        CHECK(bad == 0);
    }
    {
        /* Invalid UTF-8 inside the JSON text, and random binary bytes. */
        char doc[sizeof tiny_json];
        uint8_t noise[512];
        uint32_t x = 12345;
        memcpy(doc, tiny_json, sizeof tiny_json);
        doc[strstr(doc, "hello") - doc] = (char)0xff;
        t = (swifttok_tokenizer *)POISON;
        CHECK(swifttok_tokenizer_from_bytes((const uint8_t *)doc, sizeof tiny_json - 1, &t) != SWIFTTOK_OK && t == NULL);
        for (i = 0; i < sizeof noise; i++) {
            x = x * 1103515245u + 12345u;
            noise[i] = (uint8_t)(x >> 16);
        }
        t = (swifttok_tokenizer *)POISON;
        CHECK(swifttok_tokenizer_from_bytes(noise, sizeof noise, &t) != SWIFTTOK_OK && t == NULL);
    }
    {
        /* From a file: a valid one loads; an empty and a malformed one fail. */
        if (write_temp(tiny_json, sizeof tiny_json - 1, path, sizeof path) == 0) {
            t = NULL;
            EXPECT_STATUS(swifttok_tokenizer_from_file(path, &t), SWIFTTOK_OK);
            CHECK(t != NULL && swifttok_vocab_size(t) == 6);
            swifttok_tokenizer_free(t);
            remove(path);
        }
        if (write_temp("", 0, path, sizeof path) == 0) {
            t = (swifttok_tokenizer *)POISON;
            CHECK(swifttok_tokenizer_from_file(path, &t) != SWIFTTOK_OK && t == NULL);
            remove(path);
        }
        if (write_temp("{\"model\": ", 10, path, sizeof path) == 0) {
            EXPECT_FAILURE_NULLS(t, swifttok_tokenizer_from_file(path, &t), SWIFTTOK_ERROR_MALFORMED);
            remove(path);
        }
    }
}

static void test_vocab(swifttok_tokenizer *t) {
    uint32_t id = 77;
    char buf[32];
    size_t n = 99;

    CHECK(swifttok_vocab_size(NULL) == 0);
    CHECK(swifttok_vocab_size(t) == 6);

    EXPECT_STATUS(swifttok_token_to_id(t, "world", 5, &id), SWIFTTOK_OK);
    CHECK(id == 2);
    EXPECT_STATUS(swifttok_token_to_id(t, "h\xc3\xa9llo", 6, &id), SWIFTTOK_OK);
    CHECK(id == 5);
    EXPECT_STATUS(swifttok_token_to_id(NULL, "world", 5, &id), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_token_to_id(t, "world", 5, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_token_to_id(t, NULL, 5, &id), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_token_to_id(t, "nope", 4, &id), SWIFTTOK_ERROR_OUT_OF_RANGE);
    EXPECT_STATUS(swifttok_token_to_id(t, "\xff", 1, &id), SWIFTTOK_ERROR_INVALID_UTF8);
    CHECK(swifttok_token_to_id(t, NULL, 0, &id) != SWIFTTOK_OK); /* the empty token is not in the vocabulary */

    /* Size query, too small, exact. */
    EXPECT_STATUS(swifttok_id_to_token(t, 2, NULL, 0, &n), SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
    CHECK(n == 5);
    EXPECT_STATUS(swifttok_id_to_token(t, 2, buf, 4, &n), SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
    CHECK(n == 5);
    n = 0;
    EXPECT_STATUS(swifttok_id_to_token(t, 2, buf, 5, &n), SWIFTTOK_OK);
    CHECK(bytes_equal(buf, n, "world", 5));
    EXPECT_STATUS(swifttok_id_to_token(t, 5, buf, sizeof buf, &n), SWIFTTOK_OK);
    CHECK(bytes_equal(buf, n, "h\xc3\xa9llo", 6));
    EXPECT_STATUS(swifttok_id_to_token(t, 6, buf, sizeof buf, &n), SWIFTTOK_ERROR_OUT_OF_RANGE);
    EXPECT_STATUS(swifttok_id_to_token(t, UINT32_MAX, buf, sizeof buf, &n), SWIFTTOK_ERROR_OUT_OF_RANGE);
    EXPECT_STATUS(swifttok_id_to_token(NULL, 2, buf, sizeof buf, &n), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_id_to_token(t, 2, buf, sizeof buf, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_id_to_token(t, 2, NULL, 16, &n), SWIFTTOK_ERROR_NULL_ARGUMENT);
}

static void test_encode_misuse(swifttok_tokenizer *t) {
    swifttok_encoding *e = (swifttok_encoding *)POISON;
    size_t n, i, len;
    uint32_t ids[16];
    const char *hello = "Hello, World!";
    const uint32_t want[] = {1, 4, 2, 3};

    /* The good path first. */
    EXPECT_STATUS(swifttok_encode(t, hello, strlen(hello), NULL, 0, 0, &e), SWIFTTOK_OK);
    CHECK(e != NULL && swifttok_encoding_length(e) == 4);
    if (e != NULL && swifttok_encoding_length(e) == 4) {
        const swifttok_offset *off = swifttok_encoding_offsets(e);
        const char *tok;
        CHECK(memcmp(swifttok_encoding_ids(e), want, sizeof want) == 0);
        CHECK(off != NULL && off[0].start == 0 && off[0].end == 5 && off[3].start == 12 && off[3].end == 13);
        CHECK(swifttok_encoding_type_ids(e) != NULL && swifttok_encoding_attention_mask(e) != NULL);
        CHECK(swifttok_encoding_special_tokens_mask(e) != NULL && swifttok_encoding_word_ids(e) != NULL);
        CHECK(swifttok_encoding_attention_mask(e)[3] == 1 && swifttok_encoding_word_ids(e)[3] == 3);
        tok = swifttok_encoding_token(e, 2, &len);
        CHECK(tok != NULL && bytes_equal(tok, len, "world", 5));
        len = 99;
        CHECK(swifttok_encoding_token(e, 4, &len) == NULL && len == 0);
        len = 99;
        CHECK(swifttok_encoding_token(e, SIZE_MAX, &len) == NULL && len == 0);
        CHECK(swifttok_encoding_token(e, 0, NULL) != NULL); /* out_length may be NULL */
        CHECK(swifttok_encoding_overflowing_count(e) == 0);
        CHECK(swifttok_encoding_overflowing(e, 0) == NULL);
        CHECK(swifttok_encoding_overflowing(e, SIZE_MAX) == NULL);
    }
    swifttok_encoding_free(e);

    /* Byte offsets vs scalar offsets: "héllo world" has é in 2 bytes. */
    e = NULL;
    EXPECT_STATUS(swifttok_encode(t, "h\xc3\xa9llo world", 12, NULL, 0, SWIFTTOK_CHAR_OFFSETS, &e), SWIFTTOK_OK);
    CHECK(e != NULL && swifttok_encoding_length(e) == 2 && swifttok_encoding_offsets(e)[1].start == 6 &&
          swifttok_encoding_offsets(e)[1].end == 11);
    swifttok_encoding_free(e);
    e = NULL;
    EXPECT_STATUS(swifttok_encode(t, "h\xc3\xa9llo world", 12, NULL, 0, 0, &e), SWIFTTOK_OK);
    CHECK(e != NULL && swifttok_encoding_length(e) == 2 && swifttok_encoding_offsets(e)[1].start == 7 &&
          swifttok_encoding_offsets(e)[1].end == 12);
    swifttok_encoding_free(e);

    /* Accessors on NULL. */
    len = 99;
    CHECK(swifttok_encoding_length(NULL) == 0 && swifttok_encoding_ids(NULL) == NULL);
    CHECK(swifttok_encoding_type_ids(NULL) == NULL && swifttok_encoding_attention_mask(NULL) == NULL);
    CHECK(swifttok_encoding_special_tokens_mask(NULL) == NULL && swifttok_encoding_offsets(NULL) == NULL);
    CHECK(swifttok_encoding_word_ids(NULL) == NULL && swifttok_encoding_token(NULL, 0, &len) == NULL && len == 0);
    CHECK(swifttok_encoding_overflowing_count(NULL) == 0 && swifttok_encoding_overflowing(NULL, 0) == NULL);

    /* Zero lengths: NULL text with length 0 is the empty text. */
    e = (swifttok_encoding *)POISON;
    EXPECT_STATUS(swifttok_encode(t, NULL, 0, NULL, 0, 0, &e), SWIFTTOK_OK);
    CHECK(e != NULL && e != (swifttok_encoding *)POISON && swifttok_encoding_length(e) == 0);
    if (e != (swifttok_encoding *)POISON) swifttok_encoding_free(e);
    e = NULL;
    EXPECT_STATUS(swifttok_encode(t, "", 0, "", 0, 0, &e), SWIFTTOK_OK);
    swifttok_encoding_free(e);
    n = 99;
    EXPECT_STATUS(swifttok_encode_ids(t, NULL, 0, 0, NULL, 0, &n), SWIFTTOK_OK);
    CHECK(n == 0);
    n = 99;
    EXPECT_STATUS(swifttok_count_tokens(t, NULL, 0, 0, &n), SWIFTTOK_OK);
    CHECK(n == 0);
    {
        size_t count = 99, end = 99;
        EXPECT_STATUS(swifttok_count_tokens_up_to(t, NULL, 0, 0, 10, &count, &end), SWIFTTOK_OK);
        CHECK(count == 0 && end == 0);
    }
    /* An embedded NUL is just a byte: "a\0b" is not cut at the NUL. */
    n = 0;
    EXPECT_STATUS(swifttok_count_tokens(t, "hello\0world", 11, 0, &n), SWIFTTOK_OK);
    CHECK(n >= 2);

    /* NULL pointers with non-zero lengths. */
    EXPECT_FAILURE_NULLS(e, swifttok_encode(NULL, hello, 5, NULL, 0, 0, &e), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_FAILURE_NULLS(e, swifttok_encode(t, NULL, 5, NULL, 0, 0, &e), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_FAILURE_NULLS(e, swifttok_encode(t, hello, 5, NULL, 3, 0, &e), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_encode(t, hello, 5, NULL, 0, 0, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_ids(NULL, hello, 5, 0, ids, 16, &n), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_ids(t, NULL, 5, 0, ids, 16, &n), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_ids(t, hello, 5, 0, ids, 16, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_ids(t, hello, 5, 0, NULL, 16, &n), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_count_tokens(NULL, hello, 5, 0, &n), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_count_tokens(t, NULL, 5, 0, &n), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_count_tokens(t, hello, 5, 0, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    {
        size_t count, end;
        EXPECT_STATUS(swifttok_count_tokens_up_to(NULL, hello, 5, 0, 1, &count, &end), SWIFTTOK_ERROR_NULL_ARGUMENT);
        EXPECT_STATUS(swifttok_count_tokens_up_to(t, NULL, 5, 0, 1, &count, &end), SWIFTTOK_ERROR_NULL_ARGUMENT);
        EXPECT_STATUS(swifttok_count_tokens_up_to(t, hello, 5, 0, 1, NULL, &end), SWIFTTOK_ERROR_NULL_ARGUMENT);
        EXPECT_STATUS(swifttok_count_tokens_up_to(t, hello, 5, 0, 1, &count, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    }

    /* Too-small buffers: the needed size, then success with that size. */
    n = 0;
    EXPECT_STATUS(swifttok_encode_ids(t, hello, strlen(hello), 0, NULL, 0, &n), SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
    CHECK(n == 4);
    n = 0;
    EXPECT_STATUS(swifttok_encode_ids(t, hello, strlen(hello), 0, ids, 3, &n), SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
    CHECK(n == 4);
    n = 0;
    memset(ids, 0xee, sizeof ids);
    EXPECT_STATUS(swifttok_encode_ids(t, hello, strlen(hello), 0, ids, 4, &n), SWIFTTOK_OK);
    CHECK(n == 4 && memcmp(ids, want, sizeof want) == 0);
    CHECK(ids[4] == 0xeeeeeeeeu); /* nothing written past the count */

    /* The short calls (ABI 0.4): ids or the negated status, the needed count in the struct. */
    {
        swifttok_short_call call;
        call.tokenizer = t;
        call.ids = ids;
        call.capacity = 3;
        call.needed = 0;
        memset(ids, 0xee, sizeof ids);
        CHECK(swifttok_encode_ids_short(&call, hello, (int32_t)strlen(hello), 0) == -(ptrdiff_t)SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
        CHECK(call.needed == 4 && ids[0] == 0xeeeeeeeeu);
        call.capacity = 4;
        CHECK(swifttok_encode_ids_short(&call, hello, (int32_t)strlen(hello), 0) == 4);
        CHECK(memcmp(ids, want, sizeof want) == 0 && ids[4] == 0xeeeeeeeeu);
        CHECK(swifttok_count_tokens_short(&call, hello, (int32_t)strlen(hello), 0) == 4);
        CHECK(swifttok_encode_ids_short(&call, NULL, 0, 0) == 0 && swifttok_count_tokens_short(&call, NULL, 0, 0) == 0);
        CHECK(swifttok_encode_ids_short(NULL, hello, 5, 0) == -(ptrdiff_t)SWIFTTOK_ERROR_NULL_ARGUMENT);
        CHECK(swifttok_count_tokens_short(NULL, hello, 5, 0) == -(ptrdiff_t)SWIFTTOK_ERROR_NULL_ARGUMENT);
        CHECK(swifttok_encode_ids_short(&call, NULL, 5, 0) == -(ptrdiff_t)SWIFTTOK_ERROR_NULL_ARGUMENT);
        CHECK(swifttok_encode_ids_short(&call, hello, -1, 0) == -(ptrdiff_t)SWIFTTOK_ERROR_INVALID_ARGUMENT);
        CHECK(swifttok_count_tokens_short(&call, hello, -1, 0) == -(ptrdiff_t)SWIFTTOK_ERROR_INVALID_ARGUMENT);
        CHECK(swifttok_encode_ids_short(&call, hello, 5, 0x80) == -(ptrdiff_t)SWIFTTOK_ERROR_INVALID_ARGUMENT);
        CHECK(swifttok_encode_ids_short(&call, "\xff", 1, 0) == -(ptrdiff_t)SWIFTTOK_ERROR_INVALID_UTF8);
        CHECK(swifttok_count_tokens_short(&call, "\xff", 1, 0) == -(ptrdiff_t)SWIFTTOK_ERROR_INVALID_UTF8);
        call.tokenizer = NULL;
        CHECK(swifttok_encode_ids_short(&call, hello, 5, 0) == -(ptrdiff_t)SWIFTTOK_ERROR_NULL_ARGUMENT);
        CHECK(swifttok_count_tokens_short(&call, hello, 5, 0) == -(ptrdiff_t)SWIFTTOK_ERROR_NULL_ARGUMENT);
        call.tokenizer = t;
        call.ids = NULL;
        call.capacity = 16;
        CHECK(swifttok_encode_ids_short(&call, hello, 5, 0) == -(ptrdiff_t)SWIFTTOK_ERROR_NULL_ARGUMENT);
    }

    /* count_tokens_up_to: below, at and above the count. */
    {
        size_t count = 0, end = 0;
        EXPECT_STATUS(swifttok_count_tokens_up_to(t, hello, strlen(hello), 0, 2, &count, &end), SWIFTTOK_OK);
        CHECK(count == 2 && end == 6); /* "Hello," */
        EXPECT_STATUS(swifttok_count_tokens_up_to(t, hello, strlen(hello), 0, 0, &count, &end), SWIFTTOK_OK);
        CHECK(count == 0 && end == 0);
        EXPECT_STATUS(swifttok_count_tokens_up_to(t, hello, strlen(hello), 0, 4, &count, &end), SWIFTTOK_OK);
        CHECK(count == 4 && end == strlen(hello));
        EXPECT_STATUS(swifttok_count_tokens_up_to(t, hello, strlen(hello), 0, 1000, &count, &end), SWIFTTOK_OK);
        CHECK(count == 4 && end == strlen(hello));
    }

    /* Invalid UTF-8, in every encoding entry point, in the text and in the pair. */
    for (i = 0; i < BAD_UTF8_COUNT; i++) {
        const char *b = bad_utf8[i];
        size_t blen = strlen(b), count, end;
        swifttok_batch *batch = (swifttok_batch *)POISON;
        const char *texts[2];
        size_t lengths[2];
        EXPECT_FAILURE_NULLS(e, swifttok_encode(t, b, blen, NULL, 0, 0, &e), SWIFTTOK_ERROR_INVALID_UTF8);
        EXPECT_FAILURE_NULLS(e, swifttok_encode(t, hello, 5, b, blen, 0, &e), SWIFTTOK_ERROR_INVALID_UTF8);
        EXPECT_STATUS(swifttok_encode_ids(t, b, blen, 0, ids, 16, &n), SWIFTTOK_ERROR_INVALID_UTF8);
        EXPECT_STATUS(swifttok_count_tokens(t, b, blen, 0, &n), SWIFTTOK_ERROR_INVALID_UTF8);
        EXPECT_STATUS(swifttok_count_tokens_up_to(t, b, blen, 0, 3, &count, &end), SWIFTTOK_ERROR_INVALID_UTF8);
        texts[0] = hello;
        lengths[0] = strlen(hello);
        texts[1] = b;
        lengths[1] = blen;
        EXPECT_STATUS(swifttok_encode_batch(t, texts, lengths, 2, 0, 2, &batch), SWIFTTOK_ERROR_INVALID_UTF8);
        CHECK(batch == NULL);
    }
    /* A valid prefix of the text cut inside a character is invalid too. */
    EXPECT_STATUS(swifttok_count_tokens(t, "h\xc3\xa9llo", 2, 0, &n), SWIFTTOK_ERROR_INVALID_UTF8);

    /* Unknown flags. */
    {
        const uint32_t flags[] = {1u << 2, 1u << 31, 0xffffffffu};
        size_t count, end;
        for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
            swifttok_batch *batch = (swifttok_batch *)POISON;
            const char *texts[1];
            size_t lengths[1];
            EXPECT_FAILURE_NULLS(e, swifttok_encode(t, hello, 5, NULL, 0, flags[i], &e), SWIFTTOK_ERROR_INVALID_ARGUMENT);
            EXPECT_STATUS(swifttok_encode_ids(t, hello, 5, flags[i], ids, 16, &n), SWIFTTOK_ERROR_INVALID_ARGUMENT);
            EXPECT_STATUS(swifttok_count_tokens(t, hello, 5, flags[i], &n), SWIFTTOK_ERROR_INVALID_ARGUMENT);
            EXPECT_STATUS(swifttok_count_tokens_up_to(t, hello, 5, flags[i], 2, &count, &end),
                          SWIFTTOK_ERROR_INVALID_ARGUMENT);
            texts[0] = hello;
            lengths[0] = 5;
            EXPECT_STATUS(swifttok_encode_batch(t, texts, lengths, 1, flags[i], 1, &batch), SWIFTTOK_ERROR_INVALID_ARGUMENT);
            CHECK(batch == NULL);
        }
    }
}

static void test_batch_misuse(swifttok_tokenizer *t) {
    swifttok_batch *b = (swifttok_batch *)POISON;
    const char *texts[3];
    size_t lengths[3], total = 99;
    const size_t *starts;
    const uint32_t *ids;

    texts[0] = "Hello, World!";
    lengths[0] = 13;
    texts[1] = NULL;
    lengths[1] = 0;
    texts[2] = "world hello";
    lengths[2] = 11;
    EXPECT_STATUS(swifttok_encode_batch(t, texts, lengths, 3, 0, 2, &b), SWIFTTOK_OK);
    CHECK(b != NULL && swifttok_batch_count(b) == 3);
    ids = swifttok_batch_ids(b, &total);
    starts = swifttok_batch_starts(b);
    CHECK(ids != NULL && starts != NULL && total == 6);
    if (ids != NULL && starts != NULL && total == 6) {
        CHECK(starts[0] == 0 && starts[1] == 4 && starts[2] == 4 && starts[3] == 6);
        CHECK(ids[0] == 1 && ids[3] == 3 && ids[4] == 2 && ids[5] == 1);
    }
    CHECK(swifttok_batch_ids(b, NULL) == ids); /* out_total may be NULL */
    swifttok_batch_free(b);

    /* Empty batch. */
    b = (swifttok_batch *)POISON;
    EXPECT_STATUS(swifttok_encode_batch(t, NULL, NULL, 0, 0, 0, &b), SWIFTTOK_OK);
    CHECK(b != NULL && b != (swifttok_batch *)POISON && swifttok_batch_count(b) == 0);
    if (b != NULL && b != (swifttok_batch *)POISON) {
        starts = swifttok_batch_starts(b);
        CHECK(starts != NULL && starts[0] == 0);
        total = 99;
        swifttok_batch_ids(b, &total);
        CHECK(total == 0);
        swifttok_batch_free(b);
    }

    /* NULLs. */
    EXPECT_FAILURE_NULLS(b, swifttok_encode_batch(NULL, texts, lengths, 1, 0, 0, &b), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_FAILURE_NULLS(b, swifttok_encode_batch(t, NULL, lengths, 1, 0, 0, &b), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_FAILURE_NULLS(b, swifttok_encode_batch(t, texts, NULL, 1, 0, 0, &b), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_batch(t, texts, lengths, 1, 0, 0, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    lengths[1] = 4; /* texts[1] is NULL with a non-zero length */
    EXPECT_FAILURE_NULLS(b, swifttok_encode_batch(t, texts, lengths, 3, 0, 0, &b), SWIFTTOK_ERROR_NULL_ARGUMENT);

    total = 99;
    CHECK(swifttok_batch_count(NULL) == 0 && swifttok_batch_ids(NULL, &total) == NULL && total == 0);
    CHECK(swifttok_batch_starts(NULL) == NULL);
}

static void test_decode_misuse(swifttok_tokenizer *t) {
    const uint32_t ids[] = {1, 4, 2, 3};
    const uint32_t with_unknown[] = {1, 999999, 2, UINT32_MAX};
    char buf[64];
    size_t n = 0;
    swifttok_texts *texts = (swifttok_texts *)POISON;
    const uint32_t *lists[3];
    size_t counts[3];
    const char *s;

    /* WordLevel without a decoder joins tokens with spaces (tokenizers: decode([1,4,2,3]) == "hello , world !"). */
    EXPECT_STATUS(swifttok_decode(t, ids, 4, 0, buf, sizeof buf, &n), SWIFTTOK_OK);
    CHECK(bytes_equal(buf, n, "hello , world !", 15));
    EXPECT_STATUS(swifttok_decode(t, ids, 4, 0, NULL, 0, &n), SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
    CHECK(n == 15);
    EXPECT_STATUS(swifttok_decode(t, ids, 4, 0, buf, 14, &n), SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
    CHECK(n == 15);
    EXPECT_STATUS(swifttok_decode(t, ids, 4, 0, buf, 15, &n), SWIFTTOK_OK);
    CHECK(bytes_equal(buf, n, "hello , world !", 15));
    /* Unknown ids are skipped. */
    EXPECT_STATUS(swifttok_decode(t, with_unknown, 4, 0, buf, sizeof buf, &n), SWIFTTOK_OK);
    CHECK(bytes_equal(buf, n, "hello world", 11));
    /* Zero count, NULL ids. */
    n = 99;
    EXPECT_STATUS(swifttok_decode(t, NULL, 0, 0, buf, sizeof buf, &n), SWIFTTOK_OK);
    CHECK(n == 0);
    n = 99;
    EXPECT_STATUS(swifttok_decode(t, NULL, 0, 1, NULL, 0, &n), SWIFTTOK_OK);
    CHECK(n == 0);
    EXPECT_STATUS(swifttok_decode(NULL, ids, 4, 0, buf, sizeof buf, &n), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_decode(t, NULL, 4, 0, buf, sizeof buf, &n), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_decode(t, ids, 4, 0, buf, sizeof buf, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_decode(t, ids, 4, 0, NULL, 32, &n), SWIFTTOK_ERROR_NULL_ARGUMENT);

    /* decode_batch. */
    lists[0] = ids;
    counts[0] = 4;
    lists[1] = NULL;
    counts[1] = 0;
    lists[2] = with_unknown;
    counts[2] = 4;
    EXPECT_STATUS(swifttok_decode_batch(t, lists, counts, 3, 0, 2, &texts), SWIFTTOK_OK);
    CHECK(texts != NULL && texts != (swifttok_texts *)POISON && swifttok_texts_count(texts) == 3);
    if (texts != NULL && texts != (swifttok_texts *)POISON && swifttok_texts_count(texts) == 3) {
        s = swifttok_texts_get(texts, 0, &n);
        CHECK(s != NULL && bytes_equal(s, n, "hello , world !", 15));
        s = swifttok_texts_get(texts, 1, &n);
        CHECK(s != NULL && n == 0);
        s = swifttok_texts_get(texts, 2, &n);
        CHECK(s != NULL && bytes_equal(s, n, "hello world", 11));
        n = 99;
        CHECK(swifttok_texts_get(texts, 3, &n) == NULL && n == 0);
        n = 99;
        CHECK(swifttok_texts_get(texts, SIZE_MAX, &n) == NULL && n == 0);
        CHECK(swifttok_texts_get(texts, 0, NULL) != NULL);
    }
    swifttok_texts_free(texts);
    n = 99;
    CHECK(swifttok_texts_count(NULL) == 0 && swifttok_texts_get(NULL, 0, &n) == NULL && n == 0);

    texts = (swifttok_texts *)POISON;
    EXPECT_STATUS(swifttok_decode_batch(t, NULL, NULL, 0, 0, 0, &texts), SWIFTTOK_OK);
    CHECK(texts != (swifttok_texts *)POISON && swifttok_texts_count(texts) == 0);
    if (texts != (swifttok_texts *)POISON) swifttok_texts_free(texts);
    EXPECT_FAILURE_NULLS(texts, swifttok_decode_batch(NULL, lists, counts, 1, 0, 0, &texts), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_FAILURE_NULLS(texts, swifttok_decode_batch(t, NULL, counts, 1, 0, 0, &texts), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_FAILURE_NULLS(texts, swifttok_decode_batch(t, lists, NULL, 1, 0, 0, &texts), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_decode_batch(t, lists, counts, 1, 0, 0, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    counts[1] = 2; /* lists[1] is NULL with a non-zero count */
    EXPECT_FAILURE_NULLS(texts, swifttok_decode_batch(t, lists, counts, 3, 0, 0, &texts), SWIFTTOK_ERROR_NULL_ARGUMENT);
}

static void test_stream_misuse(swifttok_tokenizer *t) {
    swifttok_decode_stream *s = (swifttok_decode_stream *)POISON;
    swifttok_tokenizer *copy = NULL;
    char buf[64];
    size_t n = 0;

    EXPECT_STATUS(swifttok_decode_stream_new(NULL, 0, &s), SWIFTTOK_ERROR_NULL_ARGUMENT);
    CHECK(s == NULL);
    EXPECT_STATUS(swifttok_decode_stream_new(t, 0, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_decode_stream_step(NULL, 1, buf, sizeof buf, &n), SWIFTTOK_ERROR_NULL_ARGUMENT);

    /* The stream keeps its tokenizer alive: free our handle (a private copy) before stepping. */
    EXPECT_STATUS(swifttok_tokenizer_configure(t, NULL, NULL, &copy), SWIFTTOK_OK);
    s = NULL;
    EXPECT_STATUS(swifttok_decode_stream_new(copy, 0, &s), SWIFTTOK_OK);
    swifttok_tokenizer_free(copy);
    CHECK(s != NULL);
    if (s == NULL) return;
    EXPECT_STATUS(swifttok_decode_stream_step(s, 1, buf, sizeof buf, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    /* First token "hello"; a too-small buffer keeps the text for a second call with the same id. */
    EXPECT_STATUS(swifttok_decode_stream_step(s, 1, NULL, 0, &n), SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
    CHECK(n == 5);
    EXPECT_STATUS(swifttok_decode_stream_step(s, 1, buf, 2, &n), SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
    CHECK(n == 5);
    EXPECT_STATUS(swifttok_decode_stream_step(s, 1, buf, n, &n), SWIFTTOK_OK);
    CHECK(bytes_equal(buf, n, "hello", 5));
    EXPECT_STATUS(swifttok_decode_stream_step(s, 2, buf, sizeof buf, &n), SWIFTTOK_OK);
    CHECK(bytes_equal(buf, n, " world", 6));
    /* An unknown id neither crashes nor breaks the stream. */
    {
        swifttok_status st = swifttok_decode_stream_step(s, 999999, buf, sizeof buf, &n);
        CHECK(st == SWIFTTOK_OK || st == SWIFTTOK_ERROR_OUT_OF_RANGE);
    }
    EXPECT_STATUS(swifttok_decode_stream_step(s, 3, buf, sizeof buf, &n), SWIFTTOK_OK);
    CHECK(bytes_equal(buf, n, " !", 2));
    swifttok_decode_stream_free(s);
}

static void test_configure(swifttok_tokenizer *t) {
    swifttok_tokenizer *c = (swifttok_tokenizer *)POISON;
    swifttok_truncation tr;
    swifttok_padding pad;
    swifttok_encoding *e = NULL;
    const char *text = "hello world hello world hello world hello";

    memset(&tr, 0, sizeof tr);
    memset(&pad, 0, sizeof pad);
    EXPECT_STATUS(swifttok_tokenizer_configure(NULL, NULL, NULL, &c), SWIFTTOK_ERROR_NULL_ARGUMENT);
    CHECK(c == NULL);
    EXPECT_STATUS(swifttok_tokenizer_configure(t, NULL, NULL, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);

    tr.max_length = 5;
    tr.stride = 5;
    EXPECT_FAILURE_NULLS(c, swifttok_tokenizer_configure(t, &tr, NULL, &c), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    tr.stride = 1;
    tr.strategy = (swifttok_truncation_strategy)7;
    EXPECT_FAILURE_NULLS(c, swifttok_tokenizer_configure(t, &tr, NULL, &c), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    tr.strategy = SWIFTTOK_TRUNCATE_LONGEST_FIRST;
    tr.direction = (swifttok_direction)9;
    EXPECT_FAILURE_NULLS(c, swifttok_tokenizer_configure(t, &tr, NULL, &c), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    tr.direction = SWIFTTOK_RIGHT;
    pad.direction = (swifttok_direction)9;
    EXPECT_FAILURE_NULLS(c, swifttok_tokenizer_configure(t, NULL, &pad, &c), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    pad.direction = SWIFTTOK_RIGHT;
    pad.pad_token = "\xff\xfe";
    EXPECT_FAILURE_NULLS(c, swifttok_tokenizer_configure(t, NULL, &pad, &c), SWIFTTOK_ERROR_INVALID_UTF8);

    /* Truncation to 5 with stride 1: 7 tokens give 5 plus overflowing parts. */
    c = NULL;
    EXPECT_STATUS(swifttok_tokenizer_configure(t, &tr, NULL, &c), SWIFTTOK_OK);
    if (c != NULL) {
        EXPECT_STATUS(swifttok_encode(c, text, strlen(text), NULL, 0, 0, &e), SWIFTTOK_OK);
        CHECK(e != NULL && swifttok_encoding_length(e) == 5 && swifttok_encoding_overflowing_count(e) >= 1);
        if (e != NULL && swifttok_encoding_overflowing_count(e) >= 1) {
            const swifttok_encoding *o = swifttok_encoding_overflowing(e, 0);
            CHECK(o != NULL && swifttok_encoding_length(o) >= 1 && swifttok_encoding_length(o) <= 5);
            CHECK(swifttok_encoding_overflowing(e, swifttok_encoding_overflowing_count(e)) == NULL);
        }
        swifttok_encoding_free(e);
        e = NULL;
        swifttok_tokenizer_free(c);
    }
    /* The original is unchanged. */
    EXPECT_STATUS(swifttok_encode(t, text, strlen(text), NULL, 0, 0, &e), SWIFTTOK_OK);
    CHECK(e != NULL && swifttok_encoding_length(e) == 7);
    swifttok_encoding_free(e);
    e = NULL;

    /* Fixed padding to 6 on the left with pad id 0. */
    pad.length = 6;
    pad.direction = SWIFTTOK_LEFT;
    pad.pad_id = 0;
    pad.pad_token = NULL;
    c = NULL;
    EXPECT_STATUS(swifttok_tokenizer_configure(t, NULL, &pad, &c), SWIFTTOK_OK);
    if (c != NULL) {
        EXPECT_STATUS(swifttok_encode(c, "hello world", 11, NULL, 0, 0, &e), SWIFTTOK_OK);
        CHECK(e != NULL && swifttok_encoding_length(e) == 6);
        if (e != NULL && swifttok_encoding_length(e) == 6) {
            const uint32_t *mask = swifttok_encoding_attention_mask(e);
            const uint32_t *ids = swifttok_encoding_ids(e);
            CHECK(mask[0] == 0 && mask[3] == 0 && mask[4] == 1 && mask[5] == 1);
            CHECK(ids[0] == 0 && ids[4] == 1 && ids[5] == 2);
            CHECK(swifttok_encoding_word_ids(e)[0] == -1);
        }
        swifttok_encoding_free(e);
        swifttok_tokenizer_free(c);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Additions of ABI 0.2: settings getters, batch padding and mask, flat batches, stream prefill
 * and multi-id steps. Expected values come from tokenizers 0.23.3 on tiny_json (each test names
 * the tokenizers calls that give them).
 * ------------------------------------------------------------------------------------------- */

/* Checks a batch's flat ids and mask against rows of `width` (the batch is rectangular). */
static void check_batch_rows(swifttok_batch *b, size_t rows, size_t width, const uint32_t *want_ids,
                             const uint32_t *want_mask) {
    size_t total = 99, mask_total = 99, i;
    const uint32_t *ids = swifttok_batch_ids(b, &total);
    const uint32_t *mask = swifttok_batch_attention_mask(b, &mask_total);
    const size_t *starts = swifttok_batch_starts(b);
    CHECK(swifttok_batch_count(b) == rows && total == rows * width && mask_total == total);
    if (ids == NULL || mask == NULL || starts == NULL || total != rows * width || mask_total != total) return;
    for (i = 0; i <= rows; i++) CHECK(starts[i] == i * width);
    CHECK(memcmp(ids, want_ids, total * sizeof *ids) == 0);
    CHECK(memcmp(mask, want_mask, total * sizeof *mask) == 0);
    if (memcmp(ids, want_ids, total * sizeof *ids) != 0) print_ids("    got", ids, total);
}

static void test_settings_getters(swifttok_tokenizer *t) {
    swifttok_truncation tr, got_tr;
    swifttok_padding pad, got_pad;
    swifttok_tokenizer *c = NULL;
    int enabled = 7;

    EXPECT_STATUS(swifttok_tokenizer_get_truncation(NULL, &enabled, &got_tr), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_tokenizer_get_truncation(t, NULL, &got_tr), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_tokenizer_get_truncation(t, &enabled, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_tokenizer_get_padding(NULL, &enabled, &got_pad), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_tokenizer_get_padding(t, NULL, &got_pad), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_tokenizer_get_padding(t, &enabled, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    /* tiny_json has "truncation": null, "padding": null. */
    enabled = 7;
    EXPECT_STATUS(swifttok_tokenizer_get_truncation(t, &enabled, &got_tr), SWIFTTOK_OK);
    CHECK(enabled == 0 && got_tr.max_length == 0);
    enabled = 7;
    EXPECT_STATUS(swifttok_tokenizer_get_padding(t, &enabled, &got_pad), SWIFTTOK_OK);
    CHECK(enabled == 0 && got_pad.pad_token == NULL);

    memset(&tr, 0, sizeof tr);
    memset(&pad, 0, sizeof pad);
    tr.max_length = 9;
    tr.stride = 2;
    tr.strategy = SWIFTTOK_TRUNCATE_ONLY_SECOND;
    tr.direction = SWIFTTOK_LEFT;
    pad.length = 0;
    pad.pad_to_multiple_of = 8;
    pad.direction = SWIFTTOK_LEFT;
    pad.pad_id = 5;
    pad.pad_type_id = 1;
    pad.pad_token = "x";
    EXPECT_STATUS(swifttok_tokenizer_configure(t, &tr, &pad, &c), SWIFTTOK_OK);
    if (c == NULL) return;
    EXPECT_STATUS(swifttok_tokenizer_get_truncation(c, &enabled, &got_tr), SWIFTTOK_OK);
    CHECK(enabled == 1 && got_tr.max_length == 9 && got_tr.stride == 2);
    CHECK(got_tr.strategy == SWIFTTOK_TRUNCATE_ONLY_SECOND && got_tr.direction == SWIFTTOK_LEFT);
    EXPECT_STATUS(swifttok_tokenizer_get_padding(c, &enabled, &got_pad), SWIFTTOK_OK);
    CHECK(enabled == 1 && got_pad.length == 0 && got_pad.pad_to_multiple_of == 8 && got_pad.direction == SWIFTTOK_LEFT);
    CHECK(got_pad.pad_id == 5 && got_pad.pad_type_id == 1);
    CHECK(got_pad.pad_token != NULL && strcmp(got_pad.pad_token, "x") == 0);
    swifttok_tokenizer_free(c);

    /* Defaults: pad_token NULL means "[PAD]"; a fixed length is reported as such. */
    c = NULL;
    pad.pad_token = NULL;
    pad.length = 12;
    pad.pad_to_multiple_of = 0;
    EXPECT_STATUS(swifttok_tokenizer_configure(t, NULL, &pad, &c), SWIFTTOK_OK);
    if (c == NULL) return;
    EXPECT_STATUS(swifttok_tokenizer_get_truncation(c, &enabled, &got_tr), SWIFTTOK_OK);
    CHECK(enabled == 0);
    EXPECT_STATUS(swifttok_tokenizer_get_padding(c, &enabled, &got_pad), SWIFTTOK_OK);
    CHECK(enabled == 1 && got_pad.length == 12 && got_pad.pad_to_multiple_of == 0);
    CHECK(got_pad.pad_token != NULL && strcmp(got_pad.pad_token, "[PAD]") == 0);
    swifttok_tokenizer_free(c);
}

/* Encodes the 3 `texts` with a copy of `t` padded by `pad` on `threads` threads and checks the rows
 * (check_batch_rows). Returns 0 when the copy cannot be made (the caller stops, as before). */
static int check_padded_batch(swifttok_tokenizer *t, const swifttok_padding *pad, const char *const *texts,
                              const size_t *lengths, size_t threads, size_t width, const uint32_t *want_ids,
                              const uint32_t *want_mask) {
    swifttok_tokenizer *c = NULL;
    swifttok_batch *b = NULL;
    EXPECT_STATUS(swifttok_tokenizer_configure(t, NULL, pad, &c), SWIFTTOK_OK);
    if (c == NULL) return 0;
    EXPECT_STATUS(swifttok_encode_batch(c, texts, lengths, 3, 0, threads, &b), SWIFTTOK_OK);
    if (b != NULL) check_batch_rows(b, 3, width, want_ids, want_mask);
    swifttok_batch_free(b);
    swifttok_tokenizer_free(c);
    return 1;
}

static void test_batch_padding(swifttok_tokenizer *t) {
    /* tokenizers: enable_padding(pad_id=5, pad_token="x"); encode_batch(["Hello, World!", "", "world hello"]) */
    static const uint32_t longest_ids[] = {1, 4, 2, 3, 5, 5, 5, 5, 2, 1, 5, 5};
    static const uint32_t longest_mask[] = {1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0};
    /* ... direction="left", pad_to_multiple_of=3 */
    static const uint32_t left3_ids[] = {5, 5, 1, 4, 2, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 2, 1};
    static const uint32_t left3_mask[] = {0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
    const char *texts[3] = {"Hello, World!", "", "world hello"};
    size_t lengths[3] = {13, 0, 11};
    swifttok_padding pad;
    swifttok_tokenizer *c = NULL;
    swifttok_batch *b = NULL;
    size_t total = 99;

    /* Without padding the mask is all ones. */
    EXPECT_STATUS(swifttok_encode_batch(t, texts, lengths, 3, 0, 1, &b), SWIFTTOK_OK);
    if (b != NULL) {
        const uint32_t *mask = swifttok_batch_attention_mask(b, &total);
        CHECK(mask != NULL && total == 6 && mask[0] == 1 && mask[5] == 1);
        CHECK(swifttok_batch_attention_mask(b, NULL) == mask);
        swifttok_batch_free(b);
        b = NULL;
    }
    total = 99;
    CHECK(swifttok_batch_attention_mask(NULL, &total) == NULL && total == 0);

    memset(&pad, 0, sizeof pad);
    pad.pad_id = 5;
    pad.pad_token = "x";
    if (!check_padded_batch(t, &pad, texts, lengths, 2, 4, longest_ids, longest_mask)) return;
    pad.direction = SWIFTTOK_LEFT;
    pad.pad_to_multiple_of = 3;
    if (!check_padded_batch(t, &pad, texts, lengths, 1, 6, left3_ids, left3_mask)) return;

    /* Fixed length 3 (tokenizers: length=3): longer inputs stay as they are. */
    pad.direction = SWIFTTOK_RIGHT;
    pad.pad_to_multiple_of = 0;
    pad.length = 3;
    EXPECT_STATUS(swifttok_tokenizer_configure(t, NULL, &pad, &c), SWIFTTOK_OK);
    if (c == NULL) return;
    EXPECT_STATUS(swifttok_encode_batch(c, texts, lengths, 3, 0, 1, &b), SWIFTTOK_OK);
    if (b != NULL) {
        static const uint32_t want[] = {1, 4, 2, 3, 5, 5, 5, 2, 1, 5};
        static const uint32_t want_mask[] = {1, 1, 1, 1, 0, 0, 0, 1, 1, 0};
        const uint32_t *ids = swifttok_batch_ids(b, &total);
        const uint32_t *mask = swifttok_batch_attention_mask(b, NULL);
        const size_t *starts = swifttok_batch_starts(b);
        CHECK(ids != NULL && mask != NULL && total == 10);
        if (ids != NULL && mask != NULL && total == 10) {
            CHECK(memcmp(ids, want, sizeof want) == 0 && memcmp(mask, want_mask, sizeof want_mask) == 0);
            CHECK(starts[1] == 4 && starts[2] == 7 && starts[3] == 10);
        }
    }
    swifttok_batch_free(b);
    swifttok_tokenizer_free(c);
}

static void test_batch_flat(swifttok_tokenizer *t) {
    const char data[] = "Hello, World!world hello";
    size_t offsets[4] = {0, 13, 13, 24};
    swifttok_batch *b = (swifttok_batch *)POISON;
    size_t total = 0;

    EXPECT_STATUS(swifttok_encode_batch_flat(t, data, offsets, 3, 0, 2, &b), SWIFTTOK_OK);
    CHECK(b != NULL && b != (swifttok_batch *)POISON && swifttok_batch_count(b) == 3);
    if (b != NULL && b != (swifttok_batch *)POISON) {
        const uint32_t *ids = swifttok_batch_ids(b, &total);
        const size_t *starts = swifttok_batch_starts(b);
        CHECK(ids != NULL && total == 6 && starts[1] == 4 && starts[2] == 4 && starts[3] == 6);
        if (ids != NULL && total == 6) CHECK(ids[0] == 1 && ids[3] == 3 && ids[4] == 2 && ids[5] == 1);
        swifttok_batch_free(b);
    }
    /* Offsets need not start at 0. */
    b = NULL;
    offsets[0] = 13;
    offsets[1] = 18;
    EXPECT_STATUS(swifttok_encode_batch_flat(t, data, offsets, 1, 0, 1, &b), SWIFTTOK_OK);
    if (b != NULL) {
        const uint32_t *ids = swifttok_batch_ids(b, &total);
        CHECK(ids != NULL && total == 1 && ids[0] == 2);
        swifttok_batch_free(b);
    }
    /* Empty batch, all-empty texts with data NULL. */
    b = NULL;
    EXPECT_STATUS(swifttok_encode_batch_flat(t, NULL, NULL, 0, 0, 0, &b), SWIFTTOK_OK);
    CHECK(b != NULL && swifttok_batch_count(b) == 0);
    swifttok_batch_free(b);
    b = NULL;
    offsets[0] = offsets[1] = offsets[2] = 4;
    EXPECT_STATUS(swifttok_encode_batch_flat(t, NULL, offsets, 2, 0, 0, &b), SWIFTTOK_OK);
    CHECK(b != NULL && swifttok_batch_count(b) == 2);
    swifttok_batch_free(b);

    /* Misuse. */
    offsets[0] = 0;
    offsets[1] = 13;
    offsets[2] = 5; /* decreasing */
    offsets[3] = 24;
    EXPECT_FAILURE_NULLS(b, swifttok_encode_batch_flat(t, data, offsets, 3, 0, 0, &b), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    offsets[2] = 13;
    EXPECT_FAILURE_NULLS(b, swifttok_encode_batch_flat(t, NULL, offsets, 3, 0, 0, &b), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_FAILURE_NULLS(b, swifttok_encode_batch_flat(t, data, NULL, 3, 0, 0, &b), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_FAILURE_NULLS(b, swifttok_encode_batch_flat(NULL, data, offsets, 3, 0, 0, &b), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_batch_flat(t, data, offsets, 3, 0, 0, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_FAILURE_NULLS(b, swifttok_encode_batch_flat(t, data, offsets, 3, 1u << 9, 0, &b), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    offsets[0] = SIZE_MAX; /* above PTRDIFF_MAX */
    EXPECT_FAILURE_NULLS(b, swifttok_encode_batch_flat(t, data, offsets, 1, 0, 0, &b), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    offsets[0] = 0;
    offsets[1] = SIZE_MAX;
    EXPECT_FAILURE_NULLS(b, swifttok_encode_batch_flat(t, data, offsets, 1, 0, 0, &b), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    /* Invalid UTF-8 in one text. */
    {
        const char bad[] = "hello\xff";
        size_t o[3] = {0, 5, 6};
        EXPECT_FAILURE_NULLS(b, swifttok_encode_batch_flat(t, bad, o, 2, 0, 0, &b), SWIFTTOK_ERROR_INVALID_UTF8);
    }
}

static void test_stream_prefill_and_lists(swifttok_tokenizer *t) {
    /* tokenizers: DecodeStream(ids=[1]).step(t, 2) == " world", .step(t, [3, 4]) == " ! ,", .step(t, []) is None;
     * DecodeStream().step(t, [1, 2]) == "hello world", then .step(t, 3) == " !". */
    const uint32_t prompt[] = {1};
    const uint32_t two[] = {3, 4};
    const uint32_t first[] = {1, 2};
    swifttok_decode_stream *s = (swifttok_decode_stream *)POISON;
    char buf[64];
    size_t n = 99;

    EXPECT_STATUS(swifttok_decode_stream_new_with_ids(NULL, 0, prompt, 1, &s), SWIFTTOK_ERROR_NULL_ARGUMENT);
    CHECK(s == NULL);
    EXPECT_FAILURE_NULLS(s, swifttok_decode_stream_new_with_ids(t, 0, NULL, 3, &s), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_FAILURE_NULLS(s, swifttok_decode_stream_new_with_ids(t, 0, prompt, SIZE_MAX, &s), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    EXPECT_STATUS(swifttok_decode_stream_new_with_ids(t, 0, prompt, 1, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_decode_stream_step_ids(NULL, two, 2, buf, sizeof buf, &n), SWIFTTOK_ERROR_NULL_ARGUMENT);

    s = NULL;
    EXPECT_STATUS(swifttok_decode_stream_new_with_ids(t, 0, prompt, 1, &s), SWIFTTOK_OK);
    if (s != NULL) {
        EXPECT_STATUS(swifttok_decode_stream_step(s, 2, buf, sizeof buf, &n), SWIFTTOK_OK);
        CHECK(bytes_equal(buf, n, " world", 6));
        EXPECT_STATUS(swifttok_decode_stream_step_ids(s, two, 2, buf, sizeof buf, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
        EXPECT_STATUS(swifttok_decode_stream_step_ids(s, NULL, 2, buf, sizeof buf, &n), SWIFTTOK_ERROR_NULL_ARGUMENT);
        /* Too small: the text is kept for the same ids. */
        EXPECT_STATUS(swifttok_decode_stream_step_ids(s, two, 2, buf, 1, &n), SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
        CHECK(n == 4);
        EXPECT_STATUS(swifttok_decode_stream_step_ids(s, two, 2, buf, sizeof buf, &n), SWIFTTOK_OK);
        CHECK(bytes_equal(buf, n, " ! ,", 4));
        n = 99;
        EXPECT_STATUS(swifttok_decode_stream_step_ids(s, NULL, 0, buf, sizeof buf, &n), SWIFTTOK_OK);
        CHECK(n == 0);
        swifttok_decode_stream_free(s);
    }
    /* A prefill of zero ids is a plain stream. */
    s = NULL;
    EXPECT_STATUS(swifttok_decode_stream_new_with_ids(t, 0, NULL, 0, &s), SWIFTTOK_OK);
    if (s != NULL) {
        EXPECT_STATUS(swifttok_decode_stream_step_ids(s, first, 2, buf, sizeof buf, &n), SWIFTTOK_OK);
        CHECK(bytes_equal(buf, n, "hello world", 11));
        EXPECT_STATUS(swifttok_decode_stream_step(s, 3, buf, sizeof buf, &n), SWIFTTOK_OK);
        CHECK(bytes_equal(buf, n, " !", 2));
        swifttok_decode_stream_free(s);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Thread-local last error
 * ------------------------------------------------------------------------------------------- */

struct error_probe {
    char before[256];
    char after[256];
    swifttok_status status;
    swifttok_tokenizer *tokenizer;
};

static void copy_cstr(char *dst, size_t cap, const char *src) {
    if (src == NULL) src = "(NULL)";
    strncpy(dst, src, cap - 1);
    dst[cap - 1] = '\0';
}

static void *error_probe_thread(void *arg) {
    struct error_probe *p = (struct error_probe *)arg;
    uint32_t flags = 1u << 7;
    size_t n;
    copy_cstr(p->before, sizeof p->before, swifttok_last_error());
    p->status = swifttok_count_tokens(p->tokenizer, "x", 1, flags, &n);
    copy_cstr(p->after, sizeof p->after, swifttok_last_error());
    return NULL;
}

static void test_last_error_thread_local(swifttok_tokenizer *t) {
    swifttok_tokenizer *out = NULL;
    char mine[256];
    struct error_probe probe;
    pthread_t thread;

    EXPECT_STATUS(swifttok_tokenizer_from_file(NULL, &out), SWIFTTOK_ERROR_NULL_ARGUMENT);
    copy_cstr(mine, sizeof mine, swifttok_last_error());
    CHECK(mine[0] != '\0');

    memset(&probe, 0, sizeof probe);
    probe.tokenizer = t;
    if (pthread_create(&thread, NULL, error_probe_thread, &probe) != 0) {
        CHECK(!"pthread_create");
        return;
    }
    pthread_join(thread, NULL);
    /* A fresh thread has no error yet; its own failure gives its own message. */
    if (probe.before[0] != '\0') printf("    a new thread sees last error \"%s\"\n", probe.before);
    CHECK(probe.before[0] == '\0');
    CHECK(probe.status == SWIFTTOK_ERROR_INVALID_ARGUMENT);
    CHECK(probe.after[0] != '\0' && strcmp(probe.after, mine) != 0);
    /* The other thread's failure did not touch this thread's message. */
    CHECK(strcmp(swifttok_last_error(), mine) == 0);
}

/* A tiny Unigram tokenizer: "ab" has exactly two segmentations, "ab" (id 3, score -1.5) and
 * "a" "b" (ids 1 2, score -1 + -2 = -3), by the definition of the Unigram model. */
static const char tiny_unigram_json[] =
    "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [], \"normalizer\": null, "
    "\"pre_tokenizer\": null, \"post_processor\": null, \"decoder\": null, \"model\": {\"type\": \"Unigram\", "
    "\"unk_id\": 0, \"vocab\": [[\"<unk>\", 0.0], [\"a\", -1.0], [\"b\", -2.0], [\"ab\", -1.5]], \"byte_fallback\": false}}";

static void test_nbest_sampling(swifttok_tokenizer *wordlevel) {
    swifttok_tokenizer *u = NULL;
    swifttok_nbest *nb = POISON;
    swifttok_encoding *e = POISON;
    const swifttok_encoding *borrowed;
    int seen_whole = 0, seen_split = 0;
    uint64_t seed;
    printf("-- n-best and sampling\n");
    EXPECT_STATUS(swifttok_tokenizer_from_bytes((const uint8_t *)tiny_unigram_json, sizeof tiny_unigram_json - 1, &u),
                  SWIFTTOK_OK);
    if (u == NULL) return;

    EXPECT_STATUS(swifttok_encode_nbest(u, "ab", 2, 0, 5, &nb), SWIFTTOK_OK);
    CHECK(nb != NULL && nb != POISON && swifttok_nbest_count(nb) == 2);
    if (nb != NULL && nb != POISON && swifttok_nbest_count(nb) == 2) {
        borrowed = swifttok_nbest_encoding(nb, 0);
        CHECK(borrowed != NULL && swifttok_encoding_length(borrowed) == 1 && swifttok_encoding_ids(borrowed)[0] == 3);
        borrowed = swifttok_nbest_encoding(nb, 1);
        CHECK(borrowed != NULL && swifttok_encoding_length(borrowed) == 2 && swifttok_encoding_ids(borrowed)[0] == 1 &&
              swifttok_encoding_ids(borrowed)[1] == 2);
        CHECK(swifttok_encoding_offsets(borrowed)[1].start == 1 && swifttok_encoding_offsets(borrowed)[1].end == 2);
        CHECK(swifttok_nbest_score(nb, 0) == -1.5 && swifttok_nbest_score(nb, 1) == -3.0); /* exact in binary */
        CHECK(swifttok_nbest_encoding(nb, 2) == NULL && swifttok_nbest_encoding(nb, SIZE_MAX) == NULL);
        CHECK(swifttok_nbest_score(nb, 2) == 0.0);
    }
    swifttok_nbest_free(nb);
    nb = NULL;
    EXPECT_STATUS(swifttok_encode_nbest(u, "ab", 2, 0, 1, &nb), SWIFTTOK_OK);
    CHECK(swifttok_nbest_count(nb) == 1);
    swifttok_nbest_free(nb);
    CHECK(swifttok_nbest_count(NULL) == 0 && swifttok_nbest_encoding(NULL, 0) == NULL && swifttok_nbest_score(NULL, 0) == 0.0);
    swifttok_nbest_free(NULL);

    /* Misuse: K = 0 or too large, NULLs, bad UTF-8, unknown flags, an unsupported model. */
    nb = POISON;
    EXPECT_STATUS(swifttok_encode_nbest(u, "ab", 2, 0, 0, &nb), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    CHECK(nb == NULL && swifttok_last_error()[0] != '\0');
    EXPECT_STATUS(swifttok_encode_nbest(u, "ab", 2, 0, SWIFTTOK_NBEST_MAX + 1, &nb), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_nbest(u, "ab", 2, 0, SIZE_MAX, &nb), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_nbest(NULL, "ab", 2, 0, 2, &nb), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_nbest(u, NULL, 2, 0, 2, &nb), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_nbest(u, "ab", 2, 0, 2, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_nbest(u, "a\xff", 2, 0, 2, &nb), SWIFTTOK_ERROR_INVALID_UTF8);
    EXPECT_STATUS(swifttok_encode_nbest(u, "ab", 2, 0x80, 2, &nb), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_nbest(wordlevel, "hello", 5, 0, 2, &nb), SWIFTTOK_ERROR_UNSUPPORTED);
    CHECK(nb == NULL);
    EXPECT_STATUS(swifttok_encode_nbest(u, NULL, 0, 0, 2, &nb), SWIFTTOK_OK); /* empty text */
    swifttok_nbest_free(nb);

    /* Sampling: seeded (same seed, same result); alpha 0 over the whole lattice gives both paths. */
    for (seed = 0; seed < 64; seed++) {
        swifttok_encoding *again = NULL;
        e = NULL;
        EXPECT_STATUS(swifttok_encode_sample(u, "ab", 2, 0, 0.0, -1, seed, &e), SWIFTTOK_OK);
        EXPECT_STATUS(swifttok_encode_sample(u, "ab", 2, 0, 0.0, -1, seed, &again), SWIFTTOK_OK);
        if (e != NULL && again != NULL) {
            CHECK(swifttok_encoding_length(e) == swifttok_encoding_length(again) &&
                  memcmp(swifttok_encoding_ids(e), swifttok_encoding_ids(again), 4 * swifttok_encoding_length(e)) == 0);
            if (swifttok_encoding_length(e) == 1 && swifttok_encoding_ids(e)[0] == 3) seen_whole++;
            if (swifttok_encoding_length(e) == 2 && swifttok_encoding_ids(e)[0] == 1) seen_split++;
        }
        swifttok_encoding_free(e);
        swifttok_encoding_free(again);
    }
    CHECK(seen_whole > 0 && seen_split > 0 && seen_whole + seen_split == 64);
    e = NULL;
    EXPECT_STATUS(swifttok_encode_sample(u, "ab", 2, 0, 0.5, 1, 7, &e), SWIFTTOK_OK); /* nbest_size 1: the best */
    CHECK(e != NULL && swifttok_encoding_length(e) == 1 && swifttok_encoding_ids(e)[0] == 3);
    swifttok_encoding_free(e);

    e = POISON;
    EXPECT_STATUS(swifttok_encode_sample(u, "ab", 2, 0, NAN, -1, 1, &e), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    CHECK(e == NULL);
    EXPECT_STATUS(swifttok_encode_sample(u, "ab", 2, 0, HUGE_VAL, -1, 1, &e), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_sample(u, "ab", 2, 0, -0.1, -1, 1, &e), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_sample(u, "ab", 2, 0, 0.1, -2, 1, &e), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_sample(u, "ab", 2, 0, 0.1, SWIFTTOK_NBEST_MAX + 1, 1, &e), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_sample(NULL, "ab", 2, 0, 0.1, -1, 1, &e), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_sample(u, NULL, 2, 0, 0.1, -1, 1, &e), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_sample(u, "ab", 2, 0, 0.1, -1, 1, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_encode_sample(u, "\xc3", 1, 0, 0.1, -1, 1, &e), SWIFTTOK_ERROR_INVALID_UTF8);
    EXPECT_STATUS(swifttok_encode_sample(wordlevel, "hello", 5, 0, 0.1, -1, 1, &e), SWIFTTOK_ERROR_UNSUPPORTED);
    CHECK(e == NULL);
    swifttok_tokenizer_free(u);
}

static void section_misuse(void) {
    swifttok_tokenizer *t;
    printf("== misuse\n");
    test_version_and_status();
    free_null();
    test_loading();
    t = load_tiny();
    if (t == NULL) return;
    test_vocab(t);
    test_encode_misuse(t);
    test_batch_misuse(t);
    test_decode_misuse(t);
    test_stream_misuse(t);
    test_configure(t);
    test_settings_getters(t);
    test_batch_padding(t);
    test_batch_flat(t);
    test_stream_prefill_and_lists(t);
    test_last_error_thread_local(t);
    test_nbest_sampling(t);
    swifttok_tokenizer_free(t);
}

/* ---------------------------------------------------------------------------------------------
 * Risky cases: extreme size_t values. Each runs in a forked child; a crash is a failure.
 * ------------------------------------------------------------------------------------------- */

static swifttok_tokenizer *g_risky_tokenizer;

static void risky_limit_max(void) {
    /* SIZE_MAX is the natural "no limit". */
    size_t count = 0, end = 0;
    EXPECT_STATUS(swifttok_count_tokens_up_to(g_risky_tokenizer, "Hello, World!", 13, 0, SIZE_MAX, &count, &end),
                  SWIFTTOK_OK);
    CHECK(count == 4 && end == 13);
}

static void risky_texts_index(void) {
    const uint32_t ids[] = {1, 2};
    const uint32_t *lists[1];
    size_t counts[1], n = 99;
    swifttok_texts *texts = NULL;
    lists[0] = ids;
    counts[0] = 2;
    EXPECT_STATUS(swifttok_decode_batch(g_risky_tokenizer, lists, counts, 1, 0, 1, &texts), SWIFTTOK_OK);
    CHECK(swifttok_texts_get(texts, SIZE_MAX / 2, &n) == NULL && n == 0);
    CHECK(swifttok_texts_get(texts, SIZE_MAX / 2 + 1, &n) == NULL && n == 0);
    swifttok_texts_free(texts);
}

static void risky_encoding_index(void) {
    swifttok_encoding *e = NULL;
    size_t n = 99;
    EXPECT_STATUS(swifttok_encode(g_risky_tokenizer, "hello", 5, NULL, 0, 0, &e), SWIFTTOK_OK);
    CHECK(swifttok_encoding_token(e, SIZE_MAX / 2, &n) == NULL && n == 0);
    CHECK(swifttok_encoding_overflowing(e, SIZE_MAX / 2) == NULL);
    swifttok_encoding_free(e);
}

static void risky_huge_capacity(void) {
    /* A capacity larger than needed is fine, however large. */
    const uint32_t ids[] = {1, 2};
    uint32_t out[8];
    char buf[64];
    size_t n = 0;
    EXPECT_STATUS(swifttok_decode(g_risky_tokenizer, ids, 2, 0, buf, SIZE_MAX, &n), SWIFTTOK_OK);
    CHECK(bytes_equal(buf, n, "hello world", 11));
    EXPECT_STATUS(swifttok_id_to_token(g_risky_tokenizer, 1, buf, SIZE_MAX, &n), SWIFTTOK_OK);
    CHECK(bytes_equal(buf, n, "hello", 5));
    EXPECT_STATUS(swifttok_encode_ids(g_risky_tokenizer, "hello world", 11, 0, out, SIZE_MAX / sizeof(uint32_t), &n),
                  SWIFTTOK_OK);
    CHECK(n == 2 && out[0] == 1 && out[1] == 2);
}

static void risky_huge_length(void) {
    /* No object is larger than PTRDIFF_MAX bytes: such a length is an invalid argument. */
    swifttok_encoding *e = (swifttok_encoding *)POISON;
    size_t n;
    EXPECT_STATUS(swifttok_encode(g_risky_tokenizer, "hello", SIZE_MAX, NULL, 0, 0, &e), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    CHECK(e == NULL);
    EXPECT_STATUS(swifttok_count_tokens(g_risky_tokenizer, "hello", (size_t)PTRDIFF_MAX + 1, 0, &n),
                  SWIFTTOK_ERROR_INVALID_ARGUMENT);
}

static void risky_huge_counts(void) {
    /* NULL arrays with a huge count: NULL_ARGUMENT, not an empty success. */
    swifttok_batch *b = (swifttok_batch *)POISON;
    swifttok_texts *texts = (swifttok_texts *)POISON;
    char buf[8];
    size_t n;
    EXPECT_STATUS(swifttok_encode_batch(g_risky_tokenizer, NULL, NULL, SIZE_MAX, 0, 0, &b), SWIFTTOK_ERROR_NULL_ARGUMENT);
    CHECK(b == NULL);
    if (b != (swifttok_batch *)POISON) swifttok_batch_free(b);
    EXPECT_STATUS(swifttok_decode_batch(g_risky_tokenizer, NULL, NULL, SIZE_MAX, 0, 0, &texts),
                  SWIFTTOK_ERROR_NULL_ARGUMENT);
    CHECK(texts == NULL);
    if (texts != (swifttok_texts *)POISON) swifttok_texts_free(texts);
    EXPECT_STATUS(swifttok_decode(g_risky_tokenizer, NULL, SIZE_MAX, 0, buf, sizeof buf, &n), SWIFTTOK_ERROR_NULL_ARGUMENT);
}

static void risky_huge_threads(void) {
    /* An absurd thread count is clamped or refused, never a crash. */
    const char *texts[2];
    size_t lengths[2];
    swifttok_batch *b = NULL;
    swifttok_status s;
    texts[0] = "hello";
    lengths[0] = 5;
    texts[1] = "world";
    lengths[1] = 5;
    s = swifttok_encode_batch(g_risky_tokenizer, texts, lengths, 2, 0, SIZE_MAX, &b);
    CHECK(s == SWIFTTOK_OK || s == SWIFTTOK_ERROR_INVALID_ARGUMENT);
    if (s == SWIFTTOK_OK) CHECK(swifttok_batch_count(b) == 2);
    swifttok_batch_free(b);
}

static void run_isolated(const char *name, void (*fn)(void)) {
    pid_t pid;
    int status = 0;
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        printf("FAIL risky %s: fork: %s\n", name, strerror(errno));
        g_failed++;
        return;
    }
    if (pid == 0) {
        g_failed = 0;
        fn();
        fflush(stdout);
        swifttok_tokenizer_free(g_risky_tokenizer);
        _exit(g_failed ? 1 : 0);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status)) {
        printf("FAIL risky %s: the process died with signal %d\n", name, WTERMSIG(status));
        g_failed++;
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("FAIL risky %s: wrong results (above)\n", name);
        g_failed++;
    } else {
        g_passed++;
    }
}

static void section_risky(void) {
    printf("== risky (extreme size_t values, each in a child process)\n");
    g_risky_tokenizer = load_tiny();
    if (g_risky_tokenizer == NULL) return;
    run_isolated("count_tokens_up_to limit SIZE_MAX", risky_limit_max);
    run_isolated("texts_get index SIZE_MAX/2", risky_texts_index);
    run_isolated("encoding_token index SIZE_MAX/2", risky_encoding_index);
    run_isolated("capacity SIZE_MAX", risky_huge_capacity);
    run_isolated("length > PTRDIFF_MAX", risky_huge_length);
    run_isolated("NULL arrays with count SIZE_MAX", risky_huge_counts);
    run_isolated("threads SIZE_MAX", risky_huge_threads);
    swifttok_tokenizer_free(g_risky_tokenizer);
    g_risky_tokenizer = NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Huge inputs: calls whose memory grows with the input return SWIFTTOK_ERROR_OUT_OF_MEMORY or
 * succeed under a capped address space, never abort; lengths above SWIFTTOK_MAX_LENGTH are
 * refused before anything is read. Each case runs in a forked child (run_isolated).
 * ------------------------------------------------------------------------------------------- */

#define HUGE_TEXT ((size_t)150 << 20)
#define HUGE_CAP ((size_t)400 << 20)

static char *g_huge_text; /* HUGE_TEXT bytes of "hello world ", made before the cap */

/* Caps the address space at what the process maps now plus `extra` bytes. */
static int cap_address_space(size_t extra) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long kb = 0;
    struct rlimit r;
    if (f == NULL) return 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmSize:", 7) == 0) kb = strtoul(line + 7, NULL, 10);
    }
    fclose(f);
    if (kb == 0) return 0;
    r.rlim_cur = (rlim_t)kb * 1024 + extra;
    r.rlim_max = RLIM_INFINITY;
    return setrlimit(RLIMIT_AS, &r) == 0;
}

/* `s` is OK, OUT_OF_MEMORY (with a message naming the memory), or one of `also`. */
static void check_ok_or_oom(swifttok_status s, swifttok_status also, const char *what) {
    int ok = s == SWIFTTOK_OK || s == also ||
             (s == SWIFTTOK_ERROR_OUT_OF_MEMORY && strstr(swifttok_last_error(), "memory") != NULL);
    if (!ok) printf("FAIL memory %s: status %d (%s): %s\n", what, (int)s, swifttok_status_string(s), swifttok_last_error());
    else printf("    memory %s: %s\n", what, swifttok_status_string(s));
    CHECK(ok);
}

/* After a refused call the tokenizer still encodes. */
static void check_still_works(void) {
    uint32_t ids[8];
    size_t n = 0;
    EXPECT_STATUS(swifttok_encode_ids(g_risky_tokenizer, "Hello, World!", 13, 0, ids, 8, &n), SWIFTTOK_OK);
    CHECK(n == 4 && ids[0] == 1 && ids[1] == 4 && ids[2] == 2 && ids[3] == 3);
}

static void huge_encode_ids(void) {
    uint32_t ids[4];
    size_t n = 0;
    if (!cap_address_space(HUGE_CAP)) { CHECK(0); return; }
    check_ok_or_oom(swifttok_encode_ids(g_risky_tokenizer, g_huge_text, HUGE_TEXT, 0, ids, 4, &n),
                    SWIFTTOK_ERROR_BUFFER_TOO_SMALL, "encode_ids 150 MB");
    check_still_works();
}

static void huge_count(void) {
    size_t n = 0, end = 0;
    if (!cap_address_space(HUGE_CAP)) { CHECK(0); return; }
    check_ok_or_oom(swifttok_count_tokens(g_risky_tokenizer, g_huge_text, HUGE_TEXT, 0, &n), SWIFTTOK_OK,
                    "count_tokens 150 MB");
    check_ok_or_oom(swifttok_count_tokens_up_to(g_risky_tokenizer, g_huge_text, HUGE_TEXT, 0, 10, &n, &end),
                    SWIFTTOK_OK, "count_tokens_up_to 150 MB");
    check_still_works();
}

static void modest_under_cap(void) {
    /* 2 MB ("hello world " x 174762: two tokens each) fits the cap: the checks do not refuse it. */
    size_t length = ((size_t)2 << 20) / 12 * 12, n = 0;
    swifttok_encoding *e = NULL;
    const uint32_t *ids;
    if (!cap_address_space(HUGE_CAP)) { CHECK(0); return; }
    EXPECT_STATUS(swifttok_count_tokens(g_risky_tokenizer, g_huge_text, length, 0, &n), SWIFTTOK_OK);
    CHECK(n == length / 6);
    EXPECT_STATUS(swifttok_encode(g_risky_tokenizer, g_huge_text, length, NULL, 0, 0, &e), SWIFTTOK_OK);
    CHECK(swifttok_encoding_length(e) == length / 6);
    ids = swifttok_encoding_ids(e);
    CHECK(ids != NULL && ids[0] == 1 && ids[1] == 2 && ids[length / 6 - 1] == 2);
    swifttok_encoding_free(e);
}

static void huge_full_encode(void) {
    swifttok_encoding *e = NULL;
    swifttok_status s;
    if (!cap_address_space(HUGE_CAP)) { CHECK(0); return; }
    s = swifttok_encode(g_risky_tokenizer, g_huge_text, HUGE_TEXT, NULL, 0, SWIFTTOK_CHAR_OFFSETS, &e);
    check_ok_or_oom(s, SWIFTTOK_OK, "encode 150 MB");
    CHECK(s == SWIFTTOK_OK ? e != NULL : e == NULL);
    swifttok_encoding_free(e);
    e = NULL;
    s = swifttok_encode(g_risky_tokenizer, g_huge_text, HUGE_TEXT / 2, g_huge_text, HUGE_TEXT / 2, 0, &e);
    check_ok_or_oom(s, SWIFTTOK_OK, "encode pair 2 x 75 MB");
    swifttok_encoding_free(e);
    check_still_works();
}

static void huge_batch(void) {
    const char *texts[3];
    size_t lengths[3], offsets[4], i;
    swifttok_batch *b = NULL;
    if (!cap_address_space(HUGE_CAP)) { CHECK(0); return; }
    for (i = 0; i < 3; i++) {
        texts[i] = g_huge_text + i * (HUGE_TEXT / 3);
        lengths[i] = HUGE_TEXT / 3 - (HUGE_TEXT / 3) % 12;
        offsets[i] = i * lengths[0];
    }
    offsets[3] = 3 * lengths[0];
    check_ok_or_oom(swifttok_encode_batch(g_risky_tokenizer, texts, lengths, 3, 0, 2, &b), SWIFTTOK_OK,
                    "encode_batch 3 x 50 MB");
    swifttok_batch_free(b);
    b = NULL;
    check_ok_or_oom(swifttok_encode_batch_flat(g_risky_tokenizer, g_huge_text, offsets, 3, 0, 2, &b), SWIFTTOK_OK,
                    "encode_batch_flat 3 x 50 MB");
    swifttok_batch_free(b);
    check_still_works();
}

static void huge_decode(void) {
    /* 40 M ids (160 MB, made before the cap): "hello world" repeated, 12 bytes of text each pair. */
    size_t count = (size_t)40 << 20, i, n = 0;
    uint32_t *ids = (uint32_t *)xmalloc(count * sizeof *ids);
    const uint32_t *lists[2];
    size_t counts[2];
    char buf[16];
    swifttok_texts *texts = NULL;
    for (i = 0; i < count; i++) ids[i] = 1 + (uint32_t)(i & 1);
    if (!cap_address_space(HUGE_CAP)) { CHECK(0); free(ids); return; }
    check_ok_or_oom(swifttok_decode(g_risky_tokenizer, ids, count, 0, buf, sizeof buf, &n),
                    SWIFTTOK_ERROR_BUFFER_TOO_SMALL, "decode 40 M ids");
    lists[0] = ids;
    lists[1] = ids;
    counts[0] = counts[1] = count / 2;
    check_ok_or_oom(swifttok_decode_batch(g_risky_tokenizer, lists, counts, 2, 0, 2, &texts), SWIFTTOK_OK,
                    "decode_batch 2 x 20 M ids");
    swifttok_texts_free(texts);
    check_still_works();
    free(ids);
}

/* A read-only anonymous mapping: reads as zero pages and costs no memory (NUL is valid UTF-8). */
static void *zero_mapping(size_t bytes) {
    void *p = mmap(NULL, bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void check_limit_message(void) {
    CHECK(strstr(swifttok_last_error(), "2147483647") != NULL && strstr(swifttok_last_error(), "SWIFTTOK_MAX_LENGTH") != NULL);
}

static void huge_beyond_limit(void) {
    size_t big = (size_t)SWIFTTOK_MAX_LENGTH + 1, n = 0, end = 0, offsets[2];
    size_t ids_bytes = ((size_t)SWIFTTOK_MAX_LENGTH + 1) * sizeof(uint32_t);
    const char *text = (const char *)zero_mapping(big);
    const uint32_t *ids = (const uint32_t *)zero_mapping(ids_bytes);
    const char *texts[1];
    const uint32_t *lists[1];
    size_t lengths[1], counts[1];
    uint32_t out[4];
    char buf[16];
    swifttok_encoding *e = NULL;
    swifttok_batch *b = NULL;
    swifttok_texts *t = NULL;
    swifttok_decode_stream *stream = NULL;
    CHECK(text != NULL && ids != NULL);
    if (text == NULL || ids == NULL) return;
    EXPECT_STATUS(swifttok_encode_ids(g_risky_tokenizer, text, big, 0, out, 4, &n), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    check_limit_message();
    EXPECT_STATUS(swifttok_count_tokens(g_risky_tokenizer, text, big, 0, &n), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    check_limit_message();
    EXPECT_STATUS(swifttok_count_tokens_up_to(g_risky_tokenizer, text, big, 0, 5, &n, &end), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    EXPECT_FAILURE_NULLS(e, swifttok_encode(g_risky_tokenizer, text, big, NULL, 0, 0, &e), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    check_limit_message();
    EXPECT_FAILURE_NULLS(e, swifttok_encode(g_risky_tokenizer, "hello", 5, text, big, 0, &e), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    texts[0] = text;
    lengths[0] = big;
    EXPECT_FAILURE_NULLS(b, swifttok_encode_batch(g_risky_tokenizer, texts, lengths, 1, 0, 1, &b),
                         SWIFTTOK_ERROR_INVALID_ARGUMENT);
    check_limit_message();
    offsets[0] = 0;
    offsets[1] = big;
    EXPECT_FAILURE_NULLS(b, swifttok_encode_batch_flat(g_risky_tokenizer, text, offsets, 1, 0, 1, &b),
                         SWIFTTOK_ERROR_INVALID_ARGUMENT);
    EXPECT_STATUS(swifttok_decode(g_risky_tokenizer, ids, big, 0, buf, sizeof buf, &n), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    check_limit_message();
    lists[0] = ids;
    counts[0] = big;
    EXPECT_FAILURE_NULLS(t, swifttok_decode_batch(g_risky_tokenizer, lists, counts, 1, 0, 1, &t),
                         SWIFTTOK_ERROR_INVALID_ARGUMENT);
    EXPECT_FAILURE_NULLS(stream, swifttok_decode_stream_new_with_ids(g_risky_tokenizer, 0, ids, big, &stream),
                         SWIFTTOK_ERROR_INVALID_ARGUMENT);
    check_still_works();
    munmap((void *)(uintptr_t)text, big);
    munmap((void *)(uintptr_t)ids, ids_bytes);
}

static void section_memory(void) {
    const char *preload = getenv("LD_PRELOAD");
    size_t i;
    printf("== memory (huge inputs under a capped address space, each in a child process)\n");
#if defined(__SANITIZE_ADDRESS__)
    printf("SKIP memory: AddressSanitizer cannot run under an address-space cap\n");
    return;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
    printf("SKIP memory: a sanitizer cannot run under an address-space cap\n");
    return;
#endif
#endif
    if (preload != NULL && strstr(preload, "vgpreload") != NULL) {
        printf("SKIP memory: valgrind cannot run under an address-space cap\n");
        return;
    }
    g_risky_tokenizer = load_tiny();
    if (g_risky_tokenizer == NULL) return;
    g_huge_text = (char *)xmalloc(HUGE_TEXT);
    for (i = 0; i < HUGE_TEXT; i++) g_huge_text[i] = "hello world "[i % 12];
    run_isolated("encode_ids 150 MB under a 400 MB cap", huge_encode_ids);
    run_isolated("count_tokens 150 MB under a 400 MB cap", huge_count);
    run_isolated("encode 150 MB under a 400 MB cap", huge_full_encode);
    run_isolated("encode_batch 150 MB under a 400 MB cap", huge_batch);
    run_isolated("decode 40 M ids under a 400 MB cap", huge_decode);
    run_isolated("2 MB under a 400 MB cap succeeds", modest_under_cap);
    free(g_huge_text);
    g_huge_text = NULL;
    run_isolated("lengths above SWIFTTOK_MAX_LENGTH", huge_beyond_limit);
    swifttok_tokenizer_free(g_risky_tokenizer);
    g_risky_tokenizer = NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Parity with the reference libraries (expected_ids.txt from make_expected.py)
 * ------------------------------------------------------------------------------------------- */

#define N_TOK 3

struct tok_spec {
    const char *name;
    const char *relpath; /* under the shared folder */
    uint32_t flags;
    int lossless; /* decoding gives back the input text */
};

static const struct tok_spec specs[N_TOK] = {
    {"gpt2", "vocab/gpt2/tokenizer.json", 0, 1},
    {"bert", "vocab/bert-base-uncased/tokenizer.json", SWIFTTOK_ADD_SPECIAL_TOKENS, 0},
    {"cl100k", "vocab/cl100k_base/cl100k_base.tiktoken", 0, 1},
};

struct record {
    char *text;
    size_t len;
    uint32_t *ids[N_TOK];
    size_t nids[N_TOK];
    char *dec[N_TOK];
    size_t declen[N_TOK];
    int have[N_TOK];
};

static struct record *g_records;
static size_t g_nrecords;      /* parsed */
static size_t g_nrecords_used; /* tested (--limit) */

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int unhex(const char *s, char **out, size_t *outlen) {
    size_t n = strlen(s), i;
    char *buf;
    if (strcmp(s, "-") == 0) n = 0;
    if (n % 2 != 0) return -1;
    buf = (char *)xmalloc(n / 2 + 1);
    for (i = 0; i < n / 2; i++) {
        int hi = hexval((unsigned char)s[2 * i]), lo = hexval((unsigned char)s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(buf);
            return -1;
        }
        buf[i] = (char)(hi * 16 + lo);
    }
    buf[n / 2] = '\0';
    *out = buf;
    *outlen = n / 2;
    return 0;
}

static int spec_index(const char *name) {
    int i;
    for (i = 0; i < N_TOK; i++) {
        if (strcmp(specs[i].name, name) == 0) return i;
    }
    return -1;
}

static char *read_file(const char *path, size_t *out_len) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long size;
    if (f == NULL) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = (char *)xmalloc((size_t)size + 1);
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    buf[size] = '\0';
    *out_len = (size_t)size;
    return buf;
}

/* Parses the expected file; returns 0 on success. */
static int load_expected(const char *path) {
    size_t size, cap = 0, lineno = 0;
    char *data = read_file(path, &size), *line, *next;
    if (data == NULL) {
        printf("cannot read %s\n", path);
        return -1;
    }
    for (line = data; line != NULL && *line != '\0'; line = next) {
        char *nl = strchr(line, '\n');
        next = nl ? nl + 1 : NULL;
        if (nl) *nl = '\0';
        lineno++;
        if (line[0] == '#' || line[0] == '\0') continue;
        if (line[0] == 'T' && line[1] == ' ') {
            struct record *r;
            if (g_nrecords == cap) {
                cap = cap ? cap * 2 : 256;
                g_records = (struct record *)realloc(g_records, cap * sizeof *g_records);
                if (g_records == NULL) exit(2);
            }
            r = &g_records[g_nrecords++];
            memset(r, 0, sizeof *r);
            if (unhex(line + 2, &r->text, &r->len) != 0) goto bad;
        } else if ((line[0] == 'I' || line[0] == 'D') && line[1] == ' ' && g_nrecords > 0) {
            struct record *r = &g_records[g_nrecords - 1];
            char *name = line + 2, *rest = strchr(name, ' ');
            int k;
            if (rest == NULL) goto bad;
            *rest++ = '\0';
            k = spec_index(name);
            if (k < 0) goto bad;
            if (line[0] == 'I') {
                char *end;
                size_t n = (size_t)strtoul(rest, &end, 10), i;
                r->ids[k] = (uint32_t *)xmalloc(n * sizeof(uint32_t));
                r->nids[k] = n;
                for (i = 0; i < n; i++) {
                    r->ids[k][i] = (uint32_t)strtoul(end, &end, 10);
                }
                r->have[k] = 1;
            } else if (unhex(rest, &r->dec[k], &r->declen[k]) != 0) {
                goto bad;
            }
        } else {
            goto bad;
        }
    }
    free(data);
    return 0;
bad:
    printf("%s:%lu: malformed line\n", path, (unsigned long)lineno);
    free(data);
    return -1;
}

static void free_expected(void) {
    size_t i;
    int k;
    for (i = 0; i < g_nrecords; i++) {
        free(g_records[i].text);
        for (k = 0; k < N_TOK; k++) {
            free(g_records[i].ids[k]);
            free(g_records[i].dec[k]);
        }
    }
    free(g_records);
    g_records = NULL;
    g_nrecords = 0;
}

/* A mismatch counter that prints the first few cases. */
struct tally {
    const char *what;
    size_t bad;
};

static int tally_bad(struct tally *t, size_t index) {
    t->bad++;
    if (t->bad <= 3) {
        printf("  mismatch in %s, text %lu:\n", t->what, (unsigned long)index);
        return 1;
    }
    return 0;
}

static void tally_check(struct tally *t, const char *tok, const char *file, int line) {
    char what[200];
    snprintf(what, sizeof what, "%s %s: %lu mismatching texts", tok, t->what, (unsigned long)t->bad);
    check_at(t->bad == 0, file, line, what);
}

/* Decodes with swifttok_decode, growing the buffer as told; returns a malloc'd text. */
static char *decode_all(swifttok_tokenizer *t, const uint32_t *ids, size_t n, int skip, size_t *outlen,
                        swifttok_status *status) {
    size_t need = 0;
    char *buf;
    *status = swifttok_decode(t, ids, n, skip, NULL, 0, &need);
    if (*status != SWIFTTOK_OK && *status != SWIFTTOK_ERROR_BUFFER_TOO_SMALL) return NULL;
    buf = (char *)xmalloc(need + 1);
    *status = swifttok_decode(t, ids, n, skip, buf, need, outlen);
    if (*status != SWIFTTOK_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Streams ids one by one (starting with a small buffer to exercise the retry) into one text. */
static char *stream_all(swifttok_tokenizer *t, const uint32_t *ids, size_t n, int skip, size_t *outlen,
                        swifttok_status *status) {
    swifttok_decode_stream *s = NULL;
    size_t cap = 256, len = 0, i;
    char *acc = (char *)xmalloc(cap);
    char chunk[8];
    *status = swifttok_decode_stream_new(t, skip, &s);
    if (*status != SWIFTTOK_OK) {
        free(acc);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        size_t got = 0;
        char *big;
        *status = swifttok_decode_stream_step(s, ids[i], chunk, sizeof chunk, &got);
        if (*status == SWIFTTOK_ERROR_BUFFER_TOO_SMALL) {
            big = (char *)xmalloc(got);
            *status = swifttok_decode_stream_step(s, ids[i], big, got, &got);
        } else {
            big = NULL;
        }
        if (*status != SWIFTTOK_OK) {
            free(big);
            free(acc);
            swifttok_decode_stream_free(s);
            return NULL;
        }
        while (len + got > cap) {
            cap *= 2;
            acc = (char *)realloc(acc, cap);
            if (acc == NULL) exit(2);
        }
        memcpy(acc + len, big ? big : chunk, got);
        len += got;
        free(big);
    }
    swifttok_decode_stream_free(s);
    *outlen = len;
    return acc;
}

static void parity_one(int k, swifttok_tokenizer *t) {
    const struct tok_spec *sp = &specs[k];
    struct tally enc = {"swifttok_encode", 0}, encids = {"swifttok_encode_ids", 0};
    struct tally cnt = {"swifttok_count_tokens", 0}, upto = {"swifttok_count_tokens_up_to", 0};
    struct tally shortids = {"swifttok_encode_ids_short", 0}, shortcnt = {"swifttok_count_tokens_short", 0};
    struct tally batch = {"swifttok_encode_batch", 0}, dec = {"swifttok_decode vs reference decode", 0};
    struct tally round = {"decode round trip", 0}, stream = {"decode stream vs swifttok_decode", 0};
    struct tally decb = {"swifttok_decode_batch", 0};
    size_t i;
    const char **texts = (const char **)xmalloc(g_nrecords_used * sizeof(char *));
    size_t *lengths = (size_t *)xmalloc(g_nrecords_used * sizeof(size_t));
    const uint32_t **lists = (const uint32_t **)xmalloc(g_nrecords_used * sizeof(uint32_t *));
    size_t *counts = (size_t *)xmalloc(g_nrecords_used * sizeof(size_t));

    for (i = 0; i < g_nrecords_used; i++) {
        struct record *r = &g_records[i];
        swifttok_encoding *e = NULL;
        swifttok_status s;
        size_t n = 0, need = 0, count = 0, end = 0;
        uint32_t *ids;
        char *text;
        size_t tlen;

        texts[i] = r->text;
        lengths[i] = r->len;
        lists[i] = r->ids[k];
        counts[i] = r->nids[k];
        if (!r->have[k]) continue;

        s = swifttok_encode(t, r->text, r->len, NULL, 0, sp->flags, &e);
        if (s != SWIFTTOK_OK || !bytes_equal(swifttok_encoding_ids(e), swifttok_encoding_length(e) * 4, r->ids[k],
                                             r->nids[k] * 4)) {
            if (tally_bad(&enc, i)) {
                print_escaped("text", r->text, r->len);
                printf("    status %d %s\n", (int)s, s ? swifttok_last_error() : "");
                print_ids("want", r->ids[k], r->nids[k]);
                print_ids("got ", swifttok_encoding_ids(e), swifttok_encoding_length(e));
            }
        } else {
            /* The arrays are consistent: offsets inside the text, every token readable. */
            const swifttok_offset *off = swifttok_encoding_offsets(e);
            size_t j, m = swifttok_encoding_length(e), tl;
            for (j = 0; j < m; j++) {
                if (off[j].start > off[j].end || off[j].end > r->len || swifttok_encoding_token(e, j, &tl) == NULL ||
                    swifttok_encoding_attention_mask(e)[j] != 1) {
                    if (tally_bad(&enc, i)) printf("    token %lu: bad offset/token/mask\n", (unsigned long)j);
                    break;
                }
            }
        }
        swifttok_encoding_free(e);

        s = swifttok_encode_ids(t, r->text, r->len, sp->flags, NULL, 0, &need);
        ids = (uint32_t *)xmalloc((need + 1) * sizeof(uint32_t));
        if ((s != SWIFTTOK_OK && s != SWIFTTOK_ERROR_BUFFER_TOO_SMALL) ||
            swifttok_encode_ids(t, r->text, r->len, sp->flags, ids, need, &n) != SWIFTTOK_OK ||
            !bytes_equal(ids, n * 4, r->ids[k], r->nids[k] * 4)) {
            if (tally_bad(&encids, i)) print_ids("got", ids, n);
        }
        free(ids);

        if (swifttok_count_tokens(t, r->text, r->len, sp->flags, &n) != SWIFTTOK_OK || n != r->nids[k]) {
            if (tally_bad(&cnt, i)) printf("    got %lu want %lu\n", (unsigned long)n, (unsigned long)r->nids[k]);
        }
        if (r->len <= (size_t)INT32_MAX) {
            /* The ABI 0.4 short calls: a too-small buffer first (needed count, nothing written), then room. */
            swifttok_short_call call;
            ptrdiff_t got;
            ids = (uint32_t *)xmalloc((r->nids[k] + 1) * sizeof(uint32_t));
            call.tokenizer = t;
            call.ids = ids;
            call.capacity = r->nids[k] ? r->nids[k] - 1 : 0;
            call.needed = 0;
            got = swifttok_encode_ids_short(&call, r->text, (int32_t)r->len, sp->flags);
            if (r->nids[k] > 0 && (got != -(ptrdiff_t)SWIFTTOK_ERROR_BUFFER_TOO_SMALL || call.needed != r->nids[k])) {
                if (tally_bad(&shortids, i)) printf("    too small: got %ld needed %lu\n", (long)got, (unsigned long)call.needed);
            }
            call.capacity = r->nids[k] + 1;
            got = swifttok_encode_ids_short(&call, r->text, (int32_t)r->len, sp->flags);
            if (got < 0 || !bytes_equal(ids, (size_t)got * 4, r->ids[k], r->nids[k] * 4)) {
                if (tally_bad(&shortids, i)) print_ids("got", ids, got < 0 ? 0 : (size_t)got);
            }
            free(ids);
            got = swifttok_count_tokens_short(&call, r->text, (int32_t)r->len, sp->flags);
            if (got != (ptrdiff_t)r->nids[k]) {
                if (tally_bad(&shortcnt, i)) printf("    got %ld want %lu\n", (long)got, (unsigned long)r->nids[k]);
            }
        }
        if (swifttok_count_tokens_up_to(t, r->text, r->len, sp->flags, r->nids[k], &count, &end) != SWIFTTOK_OK ||
            count != r->nids[k] || end != r->len) {
            if (tally_bad(&upto, i)) printf("    full: count %lu end %lu\n", (unsigned long)count, (unsigned long)end);
        } else if (r->nids[k] >= 2) {
            /* Half the tokens end where the furthest of their byte offsets ends. */
            size_t half = r->nids[k] / 2, want_end = 0, j;
            e = NULL;
            if (swifttok_encode(t, r->text, r->len, NULL, 0, sp->flags, &e) == SWIFTTOK_OK &&
                swifttok_encoding_length(e) == r->nids[k]) {
                for (j = 0; j < half; j++) {
                    if (swifttok_encoding_offsets(e)[j].end > want_end) want_end = (size_t)swifttok_encoding_offsets(e)[j].end;
                }
            }
            swifttok_encoding_free(e);
            if (swifttok_count_tokens_up_to(t, r->text, r->len, sp->flags, half, &count, &end) != SWIFTTOK_OK ||
                count != half || end != want_end) {
                if (tally_bad(&upto, i)) {
                    printf("    half: count %lu end %lu, want %lu %lu\n", (unsigned long)count, (unsigned long)end,
                           (unsigned long)half, (unsigned long)want_end);
                }
            }
        }

        text = decode_all(t, r->ids[k], r->nids[k], 1, &tlen, &s);
        if (text == NULL || !bytes_equal(text, tlen, r->dec[k], r->declen[k])) {
            if (tally_bad(&dec, i)) {
                print_escaped("want", r->dec[k], r->declen[k]);
                if (text) print_escaped("got ", text, tlen);
            }
        }
        if (sp->lossless && (text == NULL || !bytes_equal(text, tlen, r->text, r->len))) {
            if (tally_bad(&round, i)) print_escaped("text", r->text, r->len);
        }
        {
            /* The stream's pieces concatenate to swifttok_decode's text, with and without specials. */
            int skip;
            for (skip = 0; skip <= 1; skip++) {
                size_t dlen = 0, slen = 0;
                swifttok_status ds, ss;
                char *d = decode_all(t, r->ids[k], r->nids[k], skip, &dlen, &ds);
                char *st = stream_all(t, r->ids[k], r->nids[k], skip, &slen, &ss);
                if (d == NULL || st == NULL || !bytes_equal(d, dlen, st, slen)) {
                    if (tally_bad(&stream, i)) {
                        printf("    skip_special_tokens=%d status %d/%d\n", skip, (int)ds, (int)ss);
                        if (d) print_escaped("decode", d, dlen);
                        if (st) print_escaped("stream", st, slen);
                    }
                }
                free(d);
                free(st);
            }
        }
        free(text);
    }

    {
        /* One batch of all texts, on 2 threads and on 1. */
        size_t threads;
        for (threads = 1; threads <= 2; threads++) {
            swifttok_batch *b = NULL;
            swifttok_status s = swifttok_encode_batch(t, texts, lengths, g_nrecords_used, sp->flags, threads, &b);
            if (s != SWIFTTOK_OK || swifttok_batch_count(b) != g_nrecords_used) {
                tally_bad(&batch, 0);
                printf("    batch status %d: %s\n", (int)s, s ? swifttok_last_error() : "");
            } else {
                size_t total = 0;
                const uint32_t *flat = swifttok_batch_ids(b, &total);
                const size_t *starts = swifttok_batch_starts(b);
                CHECK(starts[g_nrecords_used] == total);
                for (i = 0; i < g_nrecords_used; i++) {
                    if (!g_records[i].have[k]) continue;
                    if (!bytes_equal(flat + starts[i], (starts[i + 1] - starts[i]) * 4, g_records[i].ids[k],
                                     g_records[i].nids[k] * 4)) {
                        tally_bad(&batch, i);
                    }
                }
            }
            swifttok_batch_free(b);
        }
    }
    {
        swifttok_texts *out = NULL;
        swifttok_status s = swifttok_decode_batch(t, lists, counts, g_nrecords_used, 1, 2, &out);
        if (s != SWIFTTOK_OK || swifttok_texts_count(out) != g_nrecords_used) {
            tally_bad(&decb, 0);
        } else {
            for (i = 0; i < g_nrecords_used; i++) {
                size_t n = 0;
                const char *d = swifttok_texts_get(out, i, &n);
                if (g_records[i].have[k] && (d == NULL || !bytes_equal(d, n, g_records[i].dec[k], g_records[i].declen[k]))) {
                    tally_bad(&decb, i);
                }
            }
        }
        swifttok_texts_free(out);
    }

    tally_check(&enc, sp->name, __FILE__, __LINE__);
    tally_check(&encids, sp->name, __FILE__, __LINE__);
    tally_check(&cnt, sp->name, __FILE__, __LINE__);
    tally_check(&upto, sp->name, __FILE__, __LINE__);
    tally_check(&shortids, sp->name, __FILE__, __LINE__);
    tally_check(&shortcnt, sp->name, __FILE__, __LINE__);
    tally_check(&batch, sp->name, __FILE__, __LINE__);
    tally_check(&dec, sp->name, __FILE__, __LINE__);
    if (sp->lossless) tally_check(&round, sp->name, __FILE__, __LINE__);
    tally_check(&stream, sp->name, __FILE__, __LINE__);
    tally_check(&decb, sp->name, __FILE__, __LINE__);
    free(texts);
    free(lengths);
    free(lists);
    free(counts);
}

static const char *g_shared;
static const char *g_expected;
static int g_rounds = 3;
static size_t g_limit = (size_t)-1; /* use only the first N texts (slow tools such as valgrind) */
static const char *g_only;           /* comma-separated tokenizer names, NULL = all */

static int selected(int k) {
    const char *p = g_only;
    size_t n = strlen(specs[k].name);
    if (p == NULL) return 1;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, specs[k].name, n) == 0) return 1;
        p += len + (end ? 1 : 0);
    }
    return 0;
}

static swifttok_tokenizer *load_spec(int k) {
    char path[4096];
    swifttok_tokenizer *t = NULL;
    swifttok_status s;
    snprintf(path, sizeof path, "%s/%s", g_shared, specs[k].relpath);
    s = swifttok_tokenizer_from_file(path, &t);
    if (s != SWIFTTOK_OK) {
        printf("FAIL: loading %s: %s: %s\n", path, swifttok_status_string(s), swifttok_last_error());
        g_failed++;
        return NULL;
    }
    return t;
}

/* The shared folder and expected file are present; else prints why a section is skipped. */
static int have_parity_data(const char *section) {
    char probe[4096];
    FILE *f;
    if (g_shared == NULL || g_expected == NULL) {
        printf("SKIP %s: no --shared folder or --expected file given\n", section);
        return 0;
    }
    snprintf(probe, sizeof probe, "%s/%s", g_shared, specs[0].relpath);
    f = fopen(probe, "rb");
    if (f == NULL) {
        printf("SKIP %s: the shared vocabularies are absent (%s)\n", section, probe);
        return 0;
    }
    fclose(f);
    if (g_records == NULL && load_expected(g_expected) != 0) {
        printf("FAIL: cannot load %s\n", g_expected);
        g_failed++;
        return 0;
    }
    g_nrecords_used = g_nrecords > g_limit ? g_limit : g_nrecords;
    return 1;
}

static int g_skipped;

static void section_parity(void) {
    int k;
    printf("== parity (reference ids from tokenizers 0.23.3 / tiktoken)\n");
    if (!have_parity_data("parity")) {
        g_skipped++;
        return;
    }
    printf("   %lu texts\n", (unsigned long)g_nrecords_used);
    for (k = 0; k < N_TOK; k++) {
        swifttok_tokenizer *t;
        if (!selected(k)) continue;
        t = load_spec(k);
        if (t == NULL) continue;
        parity_one(k, t);
        swifttok_tokenizer_free(t);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Concurrency: 8 threads on one handle give the single-threaded results
 * ------------------------------------------------------------------------------------------- */

#define N_THREADS 8

struct workload {
    swifttok_tokenizer *t;
    size_t n;
    const char **texts;
    size_t *lengths;
    uint32_t **ids; /* single-threaded results */
    size_t *nids;
    char **decoded;
    size_t *declen;
};

struct worker {
    const struct workload *w;
    int index;
    size_t mismatches;
    size_t calls;
};

static void *worker_main(void *arg) {
    struct worker *me = (struct worker *)arg;
    const struct workload *w = me->w;
    int round;
    size_t j;
    uint32_t *buf = NULL;
    size_t cap = 0;
    for (round = 0; round < g_rounds; round++) {
        for (j = 0; j < w->n; j++) {
            /* Different threads walk the texts in different orders. */
            size_t i = (j * 7 + (size_t)me->index * 13 + (size_t)round) % w->n, n = 0, dlen = 0;
            swifttok_encoding *e = NULL;
            swifttok_status s;
            char *d;
            if (cap < w->nids[i] + 1) {
                cap = w->nids[i] + 1;
                buf = (uint32_t *)realloc(buf, cap * sizeof(uint32_t));
                if (buf == NULL) exit(2);
            }
            switch ((j + (size_t)round + (size_t)me->index) % 4) {
            case 0:
                s = swifttok_encode_ids(w->t, w->texts[i], w->lengths[i], 0, buf, cap, &n);
                if (s != SWIFTTOK_OK || !bytes_equal(buf, n * 4, w->ids[i], w->nids[i] * 4)) me->mismatches++;
                break;
            case 1:
                s = swifttok_encode(w->t, w->texts[i], w->lengths[i], NULL, 0, SWIFTTOK_CHAR_OFFSETS, &e);
                if (s != SWIFTTOK_OK ||
                    !bytes_equal(swifttok_encoding_ids(e), swifttok_encoding_length(e) * 4, w->ids[i], w->nids[i] * 4)) {
                    me->mismatches++;
                }
                swifttok_encoding_free(e);
                break;
            case 2:
                s = swifttok_count_tokens(w->t, w->texts[i], w->lengths[i], 0, &n);
                if (s != SWIFTTOK_OK || n != w->nids[i]) me->mismatches++;
                break;
            default:
                d = decode_all(w->t, w->ids[i], w->nids[i], 0, &dlen, &s);
                if (d == NULL || !bytes_equal(d, dlen, w->decoded[i], w->declen[i])) me->mismatches++;
                free(d);
                break;
            }
            me->calls++;
        }
        {
            /* A small batch on 2 threads from inside each worker. */
            swifttok_batch *b = NULL;
            size_t m = w->n < 16 ? w->n : 16, total = 0, i;
            if (swifttok_encode_batch(w->t, w->texts, w->lengths, m, 0, 2, &b) != SWIFTTOK_OK) {
                me->mismatches++;
            } else {
                const uint32_t *flat = swifttok_batch_ids(b, &total);
                const size_t *starts = swifttok_batch_starts(b);
                for (i = 0; i < m; i++) {
                    if (!bytes_equal(flat + starts[i], (starts[i + 1] - starts[i]) * 4, w->ids[i], w->nids[i] * 4)) {
                        me->mismatches++;
                    }
                }
            }
            swifttok_batch_free(b);
            me->calls++;
        }
    }
    free(buf);
    return NULL;
}

static void run_concurrency(const char *label, swifttok_tokenizer *t, const char **texts, size_t *lengths, size_t n) {
    struct workload w;
    struct worker workers[N_THREADS];
    pthread_t threads[N_THREADS];
    size_t i, total_calls = 0;
    int k, started = 0;

    w.t = t;
    w.n = n;
    w.texts = texts;
    w.lengths = lengths;
    w.ids = (uint32_t **)xmalloc(n * sizeof(uint32_t *));
    w.nids = (size_t *)xmalloc(n * sizeof(size_t));
    w.decoded = (char **)xmalloc(n * sizeof(char *));
    w.declen = (size_t *)xmalloc(n * sizeof(size_t));
    for (i = 0; i < n; i++) {
        size_t need = 0;
        swifttok_status s;
        swifttok_encode_ids(t, texts[i], lengths[i], 0, NULL, 0, &need);
        w.ids[i] = (uint32_t *)xmalloc((need + 1) * sizeof(uint32_t));
        s = swifttok_encode_ids(t, texts[i], lengths[i], 0, w.ids[i], need, &w.nids[i]);
        CHECK(s == SWIFTTOK_OK);
        w.decoded[i] = decode_all(t, w.ids[i], w.nids[i], 0, &w.declen[i], &s);
        if (w.decoded[i] == NULL) {
            CHECK(!"single-threaded decode");
            w.decoded[i] = (char *)xmalloc(1);
            w.declen[i] = 0;
        }
    }
    for (k = 0; k < N_THREADS; k++) {
        workers[k].w = &w;
        workers[k].index = k;
        workers[k].mismatches = 0;
        workers[k].calls = 0;
        if (pthread_create(&threads[k], NULL, worker_main, &workers[k]) != 0) break;
        started++;
    }
    CHECK(started == N_THREADS);
    for (k = 0; k < started; k++) pthread_join(threads[k], NULL);
    for (k = 0; k < started; k++) {
        char what[160];
        snprintf(what, sizeof what, "%s: thread %d: %lu of %lu calls differ from the single-threaded results", label, k,
                 (unsigned long)workers[k].mismatches, (unsigned long)workers[k].calls);
        check_at(workers[k].mismatches == 0, __FILE__, __LINE__, what);
        total_calls += workers[k].calls;
    }
    printf("   %s: %d threads, %lu calls\n", label, started, (unsigned long)total_calls);
    for (i = 0; i < n; i++) {
        free(w.ids[i]);
        free(w.decoded[i]);
    }
    free(w.ids);
    free(w.nids);
    free(w.decoded);
    free(w.declen);
}

/* ---------------------------------------------------------------------------------------------
 * Training (ABI 0.3): parity with `swifttok train` (the CLI, run at test time on the same corpus
 * and options; --cli PATH) and misuse. The CLI is the truth here because it is the command the
 * oracle tests hold byte-exact against tokenizers' trainers (Tests/oracle/test_train.py).
 * ------------------------------------------------------------------------------------------- */

static const char *g_cli; /* swifttok-cli binary, NULL = parity part skipped */

/* A small deterministic corpus: words with repeats, punctuation, digits, non-ASCII letters. */
static char *make_corpus(size_t *out_len) {
    static const char *const words[] = {"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog",
                                        "caf\xc3\xa9", "na\xc3\xafve", "\xe6\x97\xa5\xe6\x9c\xac", "Stra\xc3\x9f\x65",
                                        "hello,", "world!", "42", "tokenizer", "tokenizers", "token", "ing", "un"};
    const size_t nwords = sizeof words / sizeof words[0];
    size_t cap = 16384, len = 0, line, w;
    char *buf = (char *)xmalloc(cap);
    unsigned state = 12345u;
    for (line = 0; line < 80; line++) {
        size_t n = 3 + line % 9;
        for (w = 0; w < n; w++) {
            const char *word;
            size_t wl;
            state = state * 1103515245u + 12345u;
            word = words[(state >> 16) % nwords];
            wl = strlen(word);
            if (len + wl + 3 >= cap) break;
            if (w > 0) buf[len++] = (line % 7 == 3 && w == 2) ? '\t' : ' ';
            memcpy(buf + len, word, wl);
            len += wl;
        }
        buf[len++] = '\n';
    }
    *out_len = len;
    return buf;
}

/* Runs argv (argv[0] = program path) in a child; returns its exit status, -1 when it did not run. */
static int run_program(char *const argv[]) {
    int status = 0;
    pid_t pid;
    fflush(stdout);
    pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The JSON bytes of a tokenizer through swifttok_tokenizer_to_json (size query, then fill). */
static char *tokenizer_json(const swifttok_tokenizer *t, size_t *out_len) {
    size_t need = 0, got = 0;
    char *buf;
    if (swifttok_tokenizer_to_json(t, NULL, 0, &need) != SWIFTTOK_ERROR_BUFFER_TOO_SMALL || need == 0) return NULL;
    buf = (char *)xmalloc(need);
    if (swifttok_tokenizer_to_json(t, buf, need, &got) != SWIFTTOK_OK || got != need) {
        free(buf);
        return NULL;
    }
    *out_len = got;
    return buf;
}

struct train_case {
    const char *name;
    const char *options_json;
    const char *cli_args[24]; /* NULL-terminated */
};

static const struct train_case train_cases[] = {
    {"bpe gpt2", "{\"vocab_size\": 300}", {"--vocab-size", "300", NULL}},
    {"wordpiece bert", "{\"model\": \"wordpiece\", \"vocab_size\": 150, \"min_frequency\": 2}",
     {"--model", "wordpiece", "--vocab-size", "150", "--min-frequency", "2", NULL}},
    {"bpe bert, suffix/prefix/limits",
     "{\"preset\": \"bert\", \"model\": \"bpe\", \"vocab_size\": 120, \"special_tokens\": [\"[UNK]\", \"[PAD]\"], "
     "\"end_of_word_suffix\": \"</w>\", \"continuing_subword_prefix\": \"##\", \"max_token_length\": 5, "
     "\"limit_alphabet\": 30, \"unk_token\": \"[UNK]\", \"threads\": 1}",
     {"--preset", "bert", "--model", "bpe", "--vocab-size", "120", "--special-tokens", "[UNK],[PAD]",
      "--end-of-word-suffix", "</w>", "--continuing-subword-prefix", "##", "--max-token-length", "5",
      "--limit-alphabet", "30", "--unk-token", "[UNK]", "--threads", "1", NULL}},
    {"wordlevel", "{\"model\": \"wordlevel\", \"preset\": \"bert\", \"vocab_size\": 40, \"special_tokens\": []}",
     {"--model", "wordlevel", "--preset", "bert", "--vocab-size", "40", "--special-tokens", "", NULL}},
    {"unigram t5", "{\"model\": \"unigram\", \"vocab_size\": 60}", {"--model", "unigram", "--vocab-size", "60", NULL}},
    {"bpe documents, initial alphabet",
     "{\"documents\": true, \"vocab_size\": 280, \"initial_alphabet\": \"xyz\", \"preset\": \"gpt2\", \"special_tokens\": [\"<s>\", \"</s>\"]}",
     {"--documents", "--vocab-size", "280", "--initial-alphabet", "xyz", "--special-tokens", "<s>,</s>", NULL}},
};

#define N_TRAIN_CASES (sizeof train_cases / sizeof train_cases[0])

/* Splits buf into lines (each with its '\n'), as the CLI reads a file in lines mode. */
static size_t split_lines(const char *buf, size_t len, const char **texts, size_t *lengths, size_t cap) {
    size_t n = 0, start = 0, i;
    for (i = 0; i < len && n < cap; i++) {
        if (buf[i] == '\n') {
            texts[n] = buf + start;
            lengths[n] = i + 1 - start;
            n++;
            start = i + 1;
        }
    }
    return n;
}

static void train_parity_case(const struct train_case *c, const char *corpus_path, const char *corpus, size_t corpus_len) {
    char out_path[256], save_path[256];
    char *argv[40];
    char *cli_json = NULL, *c_json = NULL, *saved = NULL;
    size_t cli_len = 0, c_len = 0, saved_len = 0, argc = 0, i;
    const char *paths[1];
    size_t path_lengths[1];
    swifttok_tokenizer *t = NULL, *back = NULL;
    int rc;

    if (write_temp("", 0, out_path, sizeof out_path) != 0 || write_temp("", 0, save_path, sizeof save_path) != 0) {
        CHECK(!"temporary files");
        return;
    }
    argv[argc++] = (char *)g_cli;
    argv[argc++] = (char *)"train";
    argv[argc++] = (char *)"--quiet";
    for (i = 0; c->cli_args[i] != NULL; i++) argv[argc++] = (char *)c->cli_args[i];
    argv[argc++] = (char *)"-o";
    argv[argc++] = out_path;
    argv[argc++] = (char *)corpus_path;
    argv[argc] = NULL;
    rc = run_program(argv);
    if (rc != 0) {
        printf("FAIL train parity %s: %s train exited with %d\n", c->name, g_cli, rc);
        g_failed++;
        goto done;
    }
    cli_json = read_file(out_path, &cli_len);
    CHECK(cli_json != NULL && cli_len > 0);

    paths[0] = corpus_path;
    path_lengths[0] = strlen(corpus_path);
    EXPECT_STATUS(swifttok_train(paths, path_lengths, 1, c->options_json, strlen(c->options_json), &t), SWIFTTOK_OK);
    if (t == NULL) goto done;
    c_json = tokenizer_json(t, &c_len);
    CHECK(c_json != NULL);
    if (c_json != NULL && cli_json != NULL) {
        int same = bytes_equal(c_json, c_len, cli_json, cli_len);
        if (!same) printf("    %s: swifttok_train gave %lu bytes, swifttok train %lu\n", c->name, (unsigned long)c_len,
                          (unsigned long)cli_len);
        CHECK(same);
    }
    /* save writes the same bytes; they load back as a tokenizer of the same size */
    EXPECT_STATUS(swifttok_tokenizer_save(t, save_path), SWIFTTOK_OK);
    saved = read_file(save_path, &saved_len);
    CHECK(saved != NULL && c_json != NULL && bytes_equal(saved, saved_len, c_json, c_len));
    if (c_json != NULL) {
        EXPECT_STATUS(swifttok_tokenizer_from_bytes((const uint8_t *)c_json, c_len, &back), SWIFTTOK_OK);
        CHECK(back != NULL && swifttok_vocab_size(back) == swifttok_vocab_size(t));
    }
    /* lines mode: the same corpus as in-memory texts (each line with its '\n') */
    if (strstr(c->options_json, "\"documents\": true") == NULL && cli_json != NULL) {
        const char *texts[128];
        size_t lengths[128], n = split_lines(corpus, corpus_len, texts, lengths, 128);
        swifttok_tokenizer *m = NULL;
        char *m_json;
        size_t m_len = 0;
        EXPECT_STATUS(swifttok_train_from_texts(texts, lengths, n, c->options_json, strlen(c->options_json), &m), SWIFTTOK_OK);
        m_json = m ? tokenizer_json(m, &m_len) : NULL;
        CHECK(m_json != NULL && bytes_equal(m_json, m_len, cli_json, cli_len));
        free(m_json);
        swifttok_tokenizer_free(m);
    }
    /* path_lengths NULL: NUL-terminated paths */
    if (c == &train_cases[0]) {
        swifttok_tokenizer *z = NULL;
        char *z_json;
        size_t z_len = 0;
        EXPECT_STATUS(swifttok_train(paths, NULL, 1, c->options_json, strlen(c->options_json), &z), SWIFTTOK_OK);
        z_json = z ? tokenizer_json(z, &z_len) : NULL;
        CHECK(z_json != NULL && cli_json != NULL && bytes_equal(z_json, z_len, cli_json, cli_len));
        free(z_json);
        swifttok_tokenizer_free(z);
    }
done:
    free(cli_json);
    free(c_json);
    free(saved);
    swifttok_tokenizer_free(t);
    swifttok_tokenizer_free(back);
    remove(out_path);
    remove(save_path);
}

/* The last error mentions `part` (a clear message, not just a status). */
static void last_error_has_at(const char *part, const char *file, int line) {
    const char *m = swifttok_last_error();
    int ok = m != NULL && strstr(m, part) != NULL;
    if (!ok) printf("    last error \"%s\" does not mention \"%s\"\n", m ? m : "(NULL)", part);
    check_at(ok, file, line, part);
}
#define LAST_ERROR_HAS(part) last_error_has_at((part), __FILE__, __LINE__)

static void test_train_misuse(const char *corpus_path) {
    swifttok_tokenizer *t = (swifttok_tokenizer *)&t; /* non-NULL: failures must set NULL */
    const char *paths[1];
    size_t lengths[1];
    const char *texts[2] = {"hello world\n", "x\xff\n"};
    size_t tlens[2] = {12, 3};
    const char *opts = "{\"vocab_size\": 300}";
    char empty_path[256], binary_path[256], bad_path[8];
    char json[64];
    size_t need = 0;
    unsigned char binary[1024];
    size_t i;
    swifttok_tokenizer *tiny;

    paths[0] = corpus_path;
    lengths[0] = strlen(corpus_path);
    /* NULL pointers and counts */
    EXPECT_STATUS(swifttok_train(paths, lengths, 1, opts, strlen(opts), NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_train(NULL, lengths, 1, opts, strlen(opts), &t), SWIFTTOK_ERROR_NULL_ARGUMENT);
    CHECK(t == NULL);
    {
        const char *null_path[1] = {NULL};
        EXPECT_STATUS(swifttok_train(null_path, NULL, 1, opts, strlen(opts), &t), SWIFTTOK_ERROR_NULL_ARGUMENT);
    }
    EXPECT_STATUS(swifttok_train(paths, lengths, 0, opts, strlen(opts), &t), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    LAST_ERROR_HAS("no input");
    EXPECT_STATUS(swifttok_train(paths, lengths, (size_t)-1, opts, strlen(opts), &t), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    /* wrong lengths, NUL inside, invalid UTF-8, missing file */
    lengths[0] = 0;
    EXPECT_STATUS(swifttok_train(paths, lengths, 1, opts, strlen(opts), &t), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    lengths[0] = strlen(corpus_path) + 1;
    EXPECT_STATUS(swifttok_train(paths, lengths, 1, opts, strlen(opts), &t), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    LAST_ERROR_HAS("NUL");
    lengths[0] = (size_t)-1;
    EXPECT_STATUS(swifttok_train(paths, lengths, 1, opts, strlen(opts), &t), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    memcpy(bad_path, "/tmp/\xff", 7);
    paths[0] = bad_path;
    lengths[0] = 6;
    EXPECT_STATUS(swifttok_train(paths, lengths, 1, opts, strlen(opts), &t), SWIFTTOK_ERROR_INVALID_UTF8);
    paths[0] = "/nonexistent/swifttok-corpus.txt";
    lengths[0] = strlen(paths[0]);
    EXPECT_STATUS(swifttok_train(paths, lengths, 1, opts, strlen(opts), &t), SWIFTTOK_ERROR_IO);
    CHECK(t == NULL);
    paths[0] = corpus_path;
    lengths[0] = strlen(corpus_path);
    /* options: NULL with a length, invalid UTF-8, malformed, not an object, unknown names and values */
    EXPECT_STATUS(swifttok_train(paths, lengths, 1, NULL, 5, &t), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_train(paths, lengths, 1, "{\"model\": \"\xff\"}", 13, &t), SWIFTTOK_ERROR_INVALID_UTF8);
    {
        static const char *const bad_options[] = {
            "{", "[]", "{\"vocab_size\": 300,}", "{\"vocab\": 300}", "{\"vocab_size\": \"300\"}", "{\"vocab_size\": -1}",
            "{\"model\": \"bert\"}", "{\"preset\": \"llama\"}", "{\"special_tokens\": \"<s>\"}", "{\"special_tokens\": [1]}",
            "{\"limit_alphabet\": 0}", "{\"max_token_length\": 0}", "{\"documents\": 1}", "{\"threads\": -2}",
            "{\"vocab_size\": 1.5}"};
        static const char *const mentions[] = {
            "JSON", "object", "JSON", "unknown option 'vocab'", "vocab_size", "vocab_size", "unknown model",
            "unknown preset", "special_tokens", "special_tokens", "limit_alphabet", "max_token_length", "documents",
            "threads", "vocab_size"};
        for (i = 0; i < sizeof bad_options / sizeof bad_options[0]; i++) {
            t = (swifttok_tokenizer *)&t;
            EXPECT_STATUS(swifttok_train(paths, lengths, 1, bad_options[i], strlen(bad_options[i]), &t),
                          SWIFTTOK_ERROR_INVALID_ARGUMENT);
            LAST_ERROR_HAS(mentions[i]);
            CHECK(t == NULL);
        }
    }
    /* vocabulary smaller than the alphabet (256 byte symbols) or the special tokens */
    EXPECT_STATUS(swifttok_train(paths, lengths, 1, "{\"vocab_size\": 200}", 19, &t), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    LAST_ERROR_HAS("smaller than the alphabet");
    {
        const char *small = "{\"model\": \"wordlevel\", \"vocab_size\": 1}";
        EXPECT_STATUS(swifttok_train(paths, lengths, 1, small, strlen(small), &t), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    }
    LAST_ERROR_HAS("smaller than the special tokens");
    /* empty corpus, binary corpus */
    if (write_temp("", 0, empty_path, sizeof empty_path) == 0) {
        paths[0] = empty_path;
        lengths[0] = strlen(empty_path);
        EXPECT_STATUS(swifttok_train(paths, lengths, 1, NULL, 0, &t), SWIFTTOK_ERROR_INVALID_ARGUMENT);
        LAST_ERROR_HAS("corpus is empty");
        remove(empty_path);
    }
    for (i = 0; i < sizeof binary; i++) binary[i] = (unsigned char)(i * 7 + 128);
    if (write_temp((const char *)binary, sizeof binary, binary_path, sizeof binary_path) == 0) {
        paths[0] = binary_path;
        lengths[0] = strlen(binary_path);
        EXPECT_STATUS(swifttok_train(paths, lengths, 1, NULL, 0, &t), SWIFTTOK_ERROR_INVALID_UTF8);
        remove(binary_path);
    }
    /* in-memory texts */
    EXPECT_STATUS(swifttok_train_from_texts(texts, tlens, 1, opts, strlen(opts), NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_train_from_texts(NULL, tlens, 2, opts, strlen(opts), &t), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_train_from_texts(texts, NULL, 2, opts, strlen(opts), &t), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_train_from_texts(texts, tlens, 2, opts, strlen(opts), &t), SWIFTTOK_ERROR_INVALID_UTF8);
    LAST_ERROR_HAS("texts[1]");
    EXPECT_STATUS(swifttok_train_from_texts(NULL, NULL, 0, opts, strlen(opts), &t), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    LAST_ERROR_HAS("corpus is empty");
    {
        const char *blank[2] = {NULL, " \n"};
        size_t blank_lens[2] = {0, 2};
        EXPECT_STATUS(swifttok_train_from_texts(blank, blank_lens, 2, "{\"preset\": \"bert\"}", 18, &t),
                      SWIFTTOK_ERROR_INVALID_ARGUMENT);
        blank_lens[0] = 3;
        EXPECT_STATUS(swifttok_train_from_texts(blank, blank_lens, 2, NULL, 0, &t), SWIFTTOK_ERROR_NULL_ARGUMENT);
        blank[0] = "abc";
        blank_lens[0] = (size_t)-1;
        EXPECT_STATUS(swifttok_train_from_texts(blank, blank_lens, 2, NULL, 0, &t), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    }
    EXPECT_STATUS(swifttok_train_from_texts(texts, tlens, 1, "{", 1, &t), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    CHECK(t == NULL);
    /* to_json / save */
    EXPECT_STATUS(swifttok_tokenizer_to_json(NULL, json, sizeof json, &need), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_tokenizer_save(NULL, "/tmp/x.json"), SWIFTTOK_ERROR_NULL_ARGUMENT);
    tiny = load_tiny();
    if (tiny != NULL) {
        char *doc;
        size_t len = 0;
        swifttok_tokenizer *back = NULL;
        uint32_t id = 0;
        EXPECT_STATUS(swifttok_tokenizer_to_json(tiny, json, sizeof json, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
        EXPECT_STATUS(swifttok_tokenizer_to_json(tiny, json, 4, &need), SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
        CHECK(need > 4);
        EXPECT_STATUS(swifttok_tokenizer_to_json(tiny, NULL, 0, &need), SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
        EXPECT_STATUS(swifttok_tokenizer_to_json(tiny, NULL, need, &len), SWIFTTOK_ERROR_NULL_ARGUMENT);
        doc = tokenizer_json(tiny, &len);
        CHECK(doc != NULL && len == need);
        if (doc != NULL) {
            /* the document loads back to the same vocabulary (hello = 1 in tiny_json) */
            EXPECT_STATUS(swifttok_tokenizer_from_bytes((const uint8_t *)doc, len, &back), SWIFTTOK_OK);
            CHECK(back != NULL && swifttok_vocab_size(back) == swifttok_vocab_size(tiny));
            EXPECT_STATUS(swifttok_token_to_id(back, "hello", 5, &id), SWIFTTOK_OK);
            CHECK(id == 1);
            swifttok_tokenizer_free(back);
            free(doc);
        }
        EXPECT_STATUS(swifttok_tokenizer_save(tiny, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
        EXPECT_STATUS(swifttok_tokenizer_save(tiny, "/nonexistent/swifttok/x.json"), SWIFTTOK_ERROR_IO);
        EXPECT_STATUS(swifttok_tokenizer_save(tiny, "/tmp/\xff\xfe.json"), SWIFTTOK_ERROR_INVALID_UTF8);
        swifttok_tokenizer_free(tiny);
    }
}

static void section_train(void) {
    size_t corpus_len = 0, i;
    char *corpus = make_corpus(&corpus_len);
    char corpus_path[256];
    printf("== train (swifttok_train vs %s train)\n", g_cli ? g_cli : "(no --cli)");
    if (write_temp(corpus, corpus_len, corpus_path, sizeof corpus_path) != 0) {
        CHECK(!"temporary corpus file");
        free(corpus);
        return;
    }
    test_train_misuse(corpus_path);
    if (g_cli == NULL) {
        printf("SKIP train parity: no --cli swifttok-cli given (scripts/test-c.sh passes the build's)\n");
        g_skipped++;
    } else {
        for (i = 0; i < N_TRAIN_CASES; i++) train_parity_case(&train_cases[i], corpus_path, corpus, corpus_len);
    }
    remove(corpus_path);
    free(corpus);
}

/* Two threads train at once on the same texts: the same bytes as one call alone (no shared state). */
struct train_job {
    const char *const *texts;
    const size_t *lengths;
    size_t n;
    char *json;
    size_t len;
};

static void *train_thread(void *arg) {
    struct train_job *job = (struct train_job *)arg;
    swifttok_tokenizer *t = NULL;
    static const char opts[] = "{\"model\": \"wordpiece\", \"vocab_size\": 120, \"threads\": 2}";
    if (swifttok_train_from_texts(job->texts, job->lengths, job->n, opts, sizeof opts - 1, &t) == SWIFTTOK_OK) {
        job->json = tokenizer_json(t, &job->len);
    }
    swifttok_tokenizer_free(t);
    return NULL;
}

static void test_train_concurrent(void) {
    size_t corpus_len = 0, n, k;
    char *corpus = make_corpus(&corpus_len);
    const char *texts[128];
    size_t lengths[128];
    struct train_job jobs[3];
    pthread_t threads[2];
    n = split_lines(corpus, corpus_len, texts, lengths, 128);
    for (k = 0; k < 3; k++) {
        jobs[k].texts = texts;
        jobs[k].lengths = lengths;
        jobs[k].n = n;
        jobs[k].json = NULL;
        jobs[k].len = 0;
    }
    train_thread(&jobs[2]);
    for (k = 0; k < 2; k++) CHECK(pthread_create(&threads[k], NULL, train_thread, &jobs[k]) == 0);
    for (k = 0; k < 2; k++) pthread_join(threads[k], NULL);
    CHECK(jobs[2].json != NULL);
    for (k = 0; k < 2; k++) CHECK(jobs[k].json != NULL && jobs[2].json != NULL &&
                                  bytes_equal(jobs[k].json, jobs[k].len, jobs[2].json, jobs[2].len));
    for (k = 0; k < 3; k++) free(jobs[k].json);
    free(corpus);
}

static void embed_concurrency(void); /* with the embed section, below */

static void section_concurrency(void) {
    static const char *const tiny_texts[] = {"Hello, World!", "hello world hello", "h\xc3\xa9llo, world!", "",
                                             "unknown words here", "world! world! world!"};
    const size_t ntiny = sizeof tiny_texts / sizeof tiny_texts[0];
    const char *texts[sizeof tiny_texts / sizeof tiny_texts[0]];
    size_t lengths[sizeof tiny_texts / sizeof tiny_texts[0]], i;
    swifttok_tokenizer *t;

    printf("== concurrency (%d threads, %d rounds)\n", N_THREADS, g_rounds);
    t = load_tiny();
    if (t != NULL) {
        for (i = 0; i < ntiny; i++) {
            texts[i] = tiny_texts[i];
            lengths[i] = strlen(tiny_texts[i]);
        }
        run_concurrency("tiny WordLevel", t, texts, lengths, ntiny);
        swifttok_tokenizer_free(t);
    }
    test_train_concurrent();
    embed_concurrency();
    if (!have_parity_data("concurrency on gpt2 and cl100k")) {
        g_skipped++;
        return;
    }
    {
        const char **all = (const char **)xmalloc(g_nrecords_used * sizeof(char *));
        size_t *lens = (size_t *)xmalloc(g_nrecords_used * sizeof(size_t));
        int k;
        for (i = 0; i < g_nrecords_used; i++) {
            all[i] = g_records[i].text;
            lens[i] = g_records[i].len;
        }
        for (k = 0; k < N_TOK; k += 2) { /* gpt2 and cl100k */
            if (!selected(k)) continue;
            t = load_spec(k);
            if (t == NULL) continue;
            run_concurrency(specs[k].name, t, all, lens, g_nrecords_used);
            swifttok_tokenizer_free(t);
        }
        free(all);
        free(lens);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Embeddings: the bundled encoder through the C ABI against the model's reference outputs
 * (DIR/models/all-MiniLM-L6-v2/reference/embeddings.json: a float64 forward pass of the real
 * model), and its misuse.
 * ------------------------------------------------------------------------------------------- */

#define MAX_REF 32
#define REF_DIM 384

struct reference_item {
    char *text;
    size_t len;
    uint32_t ids[512];
    size_t nids;
    float embedding[REF_DIM];
    size_t dim;
};

/* The numbers of a JSON array from `p` (just after its '['), up to `cap` of them, into `out`;
 * returns where it stopped (its ']'). */
static const char *parse_numbers(const char *p, double *out, size_t cap, size_t *count) {
    *count = 0;
    while (*p && *p != ']' && *count < cap) {
        char *end;
        double v = strtod(p, &end);
        if (end == p) {
            p++;
            continue;
        }
        out[(*count)++] = v;
        p = end;
    }
    return p;
}

/* The items of embeddings.json (texts hold no escapes but \" and \\, which are decoded);
 * returns how many, or 0 when the file is unreadable or not as expected. */
static size_t load_reference(const char *path, struct reference_item *items, size_t cap) {
    size_t len = 0, n = 0, count;
    char *buf = read_file(path, &len);
    const char *p;
    double values[512];
    if (buf == NULL) return 0;
    p = buf;
    while (n < cap && (p = strstr(p, "\"text\": \"")) != NULL) {
        struct reference_item *it = &items[n];
        const char *q;
        char *w;
        p += strlen("\"text\": \"");
        it->text = (char *)xmalloc(strlen(p) + 1);
        w = it->text;
        while (*p && *p != '"') {
            if (*p == '\\' && (p[1] == '"' || p[1] == '\\')) p++;
            *w++ = *p++;
        }
        *w = '\0';
        it->len = (size_t)(w - it->text);
        q = strstr(p, "\"input_ids\": [");
        if (q == NULL) break;
        p = parse_numbers(q + strlen("\"input_ids\": ["), values, 512, &count);
        for (it->nids = 0; it->nids < count; it->nids++) it->ids[it->nids] = (uint32_t)values[it->nids];
        q = strstr(p, "\"sentence_embedding\": [");
        if (q == NULL) break;
        p = parse_numbers(q + strlen("\"sentence_embedding\": ["), values, REF_DIM, &count);
        for (it->dim = 0; it->dim < count; it->dim++) it->embedding[it->dim] = (float)values[it->dim];
        n++;
    }
    free(buf);
    return n;
}

static void free_reference(struct reference_item *items, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) free(items[i].text);
}

/* Misuse that needs no model. */
static void test_embed_misuse_without_model(void) {
    swifttok_embedder *e = POISON;
    swifttok_tokenizer *t = POISON;
    size_t len = 7;
    size_t offsets[2] = {0, 1};
    float out[4];
    char dir[] = "/tmp/swifttok-embed-XXXXXX";
    EXPECT_FAILURE_NULLS(e, swifttok_embedder_from_dir(NULL, &e), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_embedder_from_dir("x", NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    e = POISON;
    EXPECT_FAILURE_NULLS(e, swifttok_embedder_from_dir("", &e), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    e = POISON;
    EXPECT_FAILURE_NULLS(e, swifttok_embedder_from_dir("/nonexistent/swifttok-model", &e), SWIFTTOK_ERROR_IO);
    CHECK(swifttok_embedder_dimension(NULL) == 0);
    CHECK(swifttok_embedder_max_length(NULL) == 0);
    swifttok_embedder_free(NULL);
    EXPECT_FAILURE_NULLS(t, swifttok_embedder_tokenizer(NULL, &t), SWIFTTOK_ERROR_NULL_ARGUMENT);
    EXPECT_STATUS(swifttok_embed(NULL, "a", offsets, 1, 1, out, 4, &len), SWIFTTOK_ERROR_NULL_ARGUMENT);
    CHECK(len == 0);
    EXPECT_STATUS(swifttok_embed(NULL, "a", offsets, 1, 1, out, 4, NULL), SWIFTTOK_ERROR_NULL_ARGUMENT);
    len = 7;
    EXPECT_STATUS(swifttok_embed_ids(NULL, NULL, offsets, 1, 1, out, 4, &len), SWIFTTOK_ERROR_NULL_ARGUMENT);
    CHECK(len == 0);
    /* A directory whose config.json is not JSON, then one that is JSON but not a BERT config. */
    if (mkdtemp(dir) != NULL) {
        char file[256];
        FILE *f;
        snprintf(file, sizeof file, "%s/config.json", dir);
        f = fopen(file, "wb");
        if (f != NULL) {
            fputs("{\"hidden_size\": ", f);
            fclose(f);
            e = POISON;
            EXPECT_FAILURE_NULLS(e, swifttok_embedder_from_dir(dir, &e), SWIFTTOK_ERROR_MALFORMED);
            CHECK(strlen(swifttok_last_error()) > 0);
            f = fopen(file, "wb");
            if (f != NULL) {
                fputs("{\"hidden_size\": \"big\"}", f);
                fclose(f);
                e = POISON;
                EXPECT_FAILURE_NULLS(e, swifttok_embedder_from_dir(dir, &e), SWIFTTOK_ERROR_MALFORMED);
                LAST_ERROR_HAS("hidden_size");
            }
            remove(file);
        }
        rmdir(dir);
    } else {
        CHECK(!"mkdtemp");
    }
}

static float max_abs_diff(const float *a, const float *b, size_t n) {
    float worst = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        float d = (float)fabs((double)a[i] - (double)b[i]);
        if (d > worst || d != d) worst = d != d ? INFINITY : d;
    }
    return worst;
}

static double cosine(const float *a, const float *b, size_t n) {
    double ab = 0, aa = 0, bb = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        ab += (double)a[i] * b[i];
        aa += (double)a[i] * a[i];
        bb += (double)b[i] * b[i];
    }
    return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
}

struct embed_job {
    swifttok_embedder *e;
    const char *data;
    const size_t *offsets;
    size_t count;
    const float *want;
    int ok;
};

static void *embed_thread(void *arg) {
    struct embed_job *j = (struct embed_job *)arg;
    size_t dim = swifttok_embedder_dimension(j->e), len = 0, round;
    float *out = (float *)xmalloc(j->count * dim * sizeof(float));
    j->ok = 1;
    for (round = 0; round < 2; round++) {
        if (swifttok_embed(j->e, j->data, j->offsets, j->count, 1, out, j->count * dim, &len) != SWIFTTOK_OK ||
            len != j->count * dim || memcmp(out, j->want, len * sizeof(float)) != 0) {
            j->ok = 0;
        }
    }
    free(out);
    return NULL;
}

/* Four threads embed on one shared embedder: each gets the single-threaded call's bytes. */
static void embed_concurrent(swifttok_embedder *e, const char *data, const size_t *offsets, size_t count,
                             const float *want) {
    struct embed_job jobs[4];
    pthread_t threads[4];
    int i, started[4];
    for (i = 0; i < 4; i++) {
        jobs[i].e = e;
        jobs[i].data = data;
        jobs[i].offsets = offsets;
        jobs[i].count = count;
        jobs[i].want = want;
        jobs[i].ok = 0;
        started[i] = pthread_create(&threads[i], NULL, embed_thread, &jobs[i]) == 0;
        CHECK(started[i]);
    }
    for (i = 0; i < 4; i++) {
        if (started[i]) pthread_join(threads[i], NULL);
        CHECK(jobs[i].ok);
    }
}

/* The model from DIR/models, or NULL (and a SKIP line) when it is absent. */
static swifttok_embedder *load_shared_embedder(const char *section, char *dir, size_t cap) {
    swifttok_embedder *e = NULL;
    char probe[4200];
    FILE *f;
    if (g_shared == NULL) {
        printf("SKIP %s: no --shared folder given\n", section);
        g_skipped++;
        return NULL;
    }
    snprintf(dir, cap, "%s/models/all-MiniLM-L6-v2", g_shared);
    snprintf(probe, sizeof probe, "%s/model.safetensors", dir);
    f = fopen(probe, "rb");
    if (f == NULL) {
        printf("SKIP %s: the shared model is absent (%s)\n", section, probe);
        g_skipped++;
        return NULL;
    }
    fclose(f);
    EXPECT_STATUS(swifttok_embedder_from_dir(dir, &e), SWIFTTOK_OK);
    return e;
}

static void section_embed(void) {
    static struct reference_item items[MAX_REF];
    char dir[4096], path[4200];
    swifttok_embedder *e;
    swifttok_tokenizer *t = NULL;
    size_t n, i, dim, len, total = 0;
    size_t offsets[MAX_REF + 1], starts[MAX_REF + 1];
    char *data;
    uint32_t *ids;
    float *got, *from_ids, worst = 0;
    double worst_cos = 1;

    printf("== embed (swifttok_embed vs the model's reference embeddings)\n");
    test_embed_misuse_without_model();
    e = load_shared_embedder("embed reference parity", dir, sizeof dir);
    if (e == NULL) return;
    snprintf(path, sizeof path, "%s/reference/embeddings.json", dir);
    n = load_reference(path, items, MAX_REF);
    CHECK(n == 15);
    if (n == 0) {
        swifttok_embedder_free(e);
        return;
    }
    dim = swifttok_embedder_dimension(e);
    CHECK(dim == REF_DIM);
    CHECK(swifttok_embedder_max_length(e) == 256); /* sentence_bert_config.json's max_seq_length */
    for (i = 0; i < n; i++) total += items[i].len;
    data = (char *)xmalloc(total + 1);
    offsets[0] = 0;
    starts[0] = 0;
    for (i = 0; i < n; i++) {
        CHECK(items[i].dim == REF_DIM);
        memcpy(data + offsets[i], items[i].text, items[i].len);
        offsets[i + 1] = offsets[i] + items[i].len;
        starts[i + 1] = starts[i] + items[i].nids;
    }
    ids = (uint32_t *)xmalloc(starts[n] * sizeof(uint32_t));
    for (i = 0; i < n; i++) memcpy(ids + starts[i], items[i].ids, items[i].nids * sizeof(uint32_t));

    /* The ids the model sees: the embedder's tokenizer gives the reference's input_ids. */
    EXPECT_STATUS(swifttok_embedder_tokenizer(e, &t), SWIFTTOK_OK);
    if (t != NULL) {
        for (i = 0; i < n; i++) {
            uint32_t buf[512];
            size_t count = 0;
            EXPECT_STATUS(swifttok_encode_ids(t, items[i].text, items[i].len, SWIFTTOK_ADD_SPECIAL_TOKENS, buf, 512, &count),
                          SWIFTTOK_OK);
            if (!(count == items[i].nids && memcmp(buf, items[i].ids, count * sizeof(uint32_t)) == 0)) {
                print_escaped("    ids differ for", items[i].text, items[i].len);
                print_ids("    got", buf, count);
                print_ids("    want", items[i].ids, items[i].nids);
                CHECK(!"embedder tokenizer ids == reference input_ids");
            } else {
                g_passed++;
            }
        }
    }

    /* Size query, then the vectors; 2 threads. */
    len = 1;
    EXPECT_STATUS(swifttok_embed(e, data, offsets, n, 2, NULL, 0, &len), SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
    CHECK(len == n * dim);
    got = (float *)xmalloc(n * dim * sizeof(float));
    from_ids = (float *)xmalloc(n * dim * sizeof(float));
    for (i = 0; i < n * dim; i++) got[i] = 42.0f;
    EXPECT_STATUS(swifttok_embed(e, data, offsets, n, 2, got, n * dim - 1, &len), SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
    CHECK(len == n * dim && got[0] == 42.0f && got[n * dim - 2] == 42.0f);
    EXPECT_STATUS(swifttok_embed(e, data, offsets, n, 2, got, n * dim, &len), SWIFTTOK_OK);
    CHECK(len == n * dim);
    for (i = 0; i < n; i++) {
        float d = max_abs_diff(got + i * dim, items[i].embedding, dim);
        double c = cosine(got + i * dim, items[i].embedding, dim);
        if (d > worst) worst = d;
        if (c < worst_cos) worst_cos = c;
        if (!(d <= 1e-5f && c >= 0.99999)) print_escaped("    embedding differs for", items[i].text, items[i].len);
        CHECK(d <= 1e-5f && c >= 0.99999);
    }
    printf("  %zu reference sentences: max |diff| %.2e, min cosine %.8f\n", n, (double)worst, worst_cos);
    /* From the reference ids, one thread: the same vectors. */
    EXPECT_STATUS(swifttok_embed_ids(e, ids, starts, n, 1, from_ids, n * dim, &len), SWIFTTOK_OK);
    CHECK(len == n * dim && max_abs_diff(got, from_ids, n * dim) <= 1e-6f);

    /* Empty input, an empty text, bad texts and bad id sequences. */
    len = 9;
    EXPECT_STATUS(swifttok_embed(e, NULL, NULL, 0, 0, NULL, 0, &len), SWIFTTOK_OK);
    CHECK(len == 0);
    {
        size_t zero[2] = {0, 0}, bad[3] = {0, 3, 1}, span[2] = {0, 5};
        double norm = 0;
        EXPECT_STATUS(swifttok_embed(e, NULL, zero, 1, 1, from_ids, dim, &len), SWIFTTOK_OK);
        for (i = 0; i < dim; i++) norm += (double)from_ids[i] * from_ids[i];
        CHECK(len == dim && fabs(norm - 1.0) < 1e-4); /* "[CLS] [SEP]", L2-normalized */
        EXPECT_STATUS(swifttok_embed(e, "ab\xff", (size_t[]){0, 3}, 1, 1, from_ids, dim, &len), SWIFTTOK_ERROR_INVALID_UTF8);
        LAST_ERROR_HAS("text 0");
        EXPECT_STATUS(swifttok_embed(e, "abc", bad, 2, 1, from_ids, 2 * dim, &len), SWIFTTOK_ERROR_INVALID_ARGUMENT);
        EXPECT_STATUS(swifttok_embed(e, NULL, span, 1, 1, from_ids, dim, &len), SWIFTTOK_ERROR_NULL_ARGUMENT);
        EXPECT_STATUS(swifttok_embed(e, "abc", NULL, 1, 1, from_ids, dim, &len), SWIFTTOK_ERROR_NULL_ARGUMENT);
        EXPECT_STATUS(swifttok_embed(e, "hello", span, 1, 1, NULL, dim, &len), SWIFTTOK_ERROR_NULL_ARGUMENT);
        EXPECT_STATUS(swifttok_embed(e, "hello", span, 1, (size_t)-1, from_ids, dim, &len), SWIFTTOK_ERROR_INVALID_ARGUMENT);
        EXPECT_STATUS(swifttok_embed(e, "hello", span, (size_t)-1, 1, from_ids, dim, &len), SWIFTTOK_ERROR_INVALID_ARGUMENT);
    }
    {
        uint32_t seq[300], outside[3] = {101, 4000000000u, 102};
        size_t one[2] = {0, 3}, empty[2] = {0, 0}, long_seq[2] = {0, 257}, off[2] = {1, 3}, down[3] = {0, 3, 2};
        for (i = 0; i < 300; i++) seq[i] = 1000;
        EXPECT_STATUS(swifttok_embed_ids(e, outside, one, 1, 1, from_ids, dim, &len), SWIFTTOK_ERROR_OUT_OF_RANGE);
        LAST_ERROR_HAS("4000000000");
        EXPECT_STATUS(swifttok_embed_ids(e, seq, empty, 1, 1, from_ids, dim, &len), SWIFTTOK_ERROR_INVALID_ARGUMENT);
        EXPECT_STATUS(swifttok_embed_ids(e, seq, long_seq, 1, 1, from_ids, dim, &len), SWIFTTOK_ERROR_INVALID_ARGUMENT);
        LAST_ERROR_HAS("1...256");
        EXPECT_STATUS(swifttok_embed_ids(e, seq, off, 1, 1, from_ids, dim, &len), SWIFTTOK_ERROR_INVALID_ARGUMENT);
        EXPECT_STATUS(swifttok_embed_ids(e, seq, down, 2, 1, from_ids, 2 * dim, &len), SWIFTTOK_ERROR_INVALID_ARGUMENT);
        EXPECT_STATUS(swifttok_embed_ids(e, NULL, one, 1, 1, from_ids, dim, &len), SWIFTTOK_ERROR_NULL_ARGUMENT);
        EXPECT_STATUS(swifttok_embed_ids(e, seq, NULL, 1, 1, from_ids, dim, &len), SWIFTTOK_ERROR_NULL_ARGUMENT);
        EXPECT_STATUS(swifttok_embed_ids(e, seq, one, 1, 1, from_ids, dim - 1, &len), SWIFTTOK_ERROR_BUFFER_TOO_SMALL);
        CHECK(len == dim);
    }
    /* The tokenizer reference outlives the embedder. */
    swifttok_embedder_free(e);
    if (t != NULL) {
        uint32_t buf[16];
        size_t count = 0;
        EXPECT_STATUS(swifttok_encode_ids(t, "hello world", 11, SWIFTTOK_ADD_SPECIAL_TOKENS, buf, 16, &count), SWIFTTOK_OK);
        CHECK(count == items[4].nids && memcmp(buf, items[4].ids, count * sizeof(uint32_t)) == 0);
        swifttok_tokenizer_free(t);
    }
    free(ids);
    free(data);
    free(got);
    free(from_ids);
    free_reference(items, n);
}

/* Concurrent embeds on one shared embedder (for ThreadSanitizer). */
static void embed_concurrency(void) {
    static const char text[] = "What is Deep Learning?Hello, world!The quick brown fox.";
    size_t offsets[4] = {0, 22, 35, 55};
    char dir[4096];
    float want[3 * REF_DIM];
    size_t len = 0;
    swifttok_embedder *e = load_shared_embedder("concurrent embeds", dir, sizeof dir);
    if (e == NULL) return;
    if (swifttok_embedder_dimension(e) == REF_DIM) {
        EXPECT_STATUS(swifttok_embed(e, text, offsets, 3, 1, want, 3 * REF_DIM, &len), SWIFTTOK_OK);
        embed_concurrent(e, text, offsets, 3, want);
    }
    swifttok_embedder_free(e);
}

/* ---------------------------------------------------------------------------------------------
 * Main
 * ------------------------------------------------------------------------------------------- */

static int wants(int argc, char **argv, int first, const char *section) {
    int i, any = 0;
    for (i = first; i < argc; i++) {
        any = 1;
        if (strcmp(argv[i], section) == 0) return 1;
    }
    return !any;
}

int main(int argc, char **argv) {
    int i = 1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (i < argc && strncmp(argv[i], "--", 2) == 0) {
        if (strcmp(argv[i], "--shared") == 0 && i + 1 < argc) {
            g_shared = argv[i + 1];
        } else if (strcmp(argv[i], "--expected") == 0 && i + 1 < argc) {
            g_expected = argv[i + 1];
        } else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            g_limit = (size_t)strtoul(argv[i + 1], NULL, 10);
            if (g_limit < 1) g_limit = 1;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            g_only = argv[i + 1];
        } else if (strcmp(argv[i], "--cli") == 0 && i + 1 < argc) {
            g_cli = argv[i + 1];
        } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            g_rounds = atoi(argv[i + 1]);
            if (g_rounds < 1) g_rounds = 1;
        } else {
            fprintf(stderr, "usage: %s [--shared DIR] [--expected FILE] [--rounds N] [--limit TEXTS] [--only gpt2,bert,cl100k]\n"
                    "          [--cli swifttok-cli] [misuse|risky|memory|parity|train|embed|concurrency ...]\n",
                    argv[0]);
            return 2;
        }
        i += 2;
    }
    if (wants(argc, argv, i, "misuse")) section_misuse();
    if (wants(argc, argv, i, "risky")) section_risky();
    if (wants(argc, argv, i, "memory")) section_memory();
    if (wants(argc, argv, i, "parity")) section_parity();
    if (wants(argc, argv, i, "train")) section_train();
    if (wants(argc, argv, i, "embed")) section_embed();
    if (wants(argc, argv, i, "concurrency")) section_concurrency();
    free_expected();
    if (g_skipped) printf("%d section(s) skipped (see SKIP above)\n", g_skipped);
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed ? 1 : 0;
}
