"""Seeded random strings that stress tokenizers: mixed scripts, whitespace runs, digits, emoji,
combining marks, lone control characters, contractions, special-token strings and long runs."""
import random

_RANGES = [
    (0x41, 0x5A), (0x61, 0x7A), (0x61, 0x7A), (0x30, 0x39),       # ASCII letters, digits
    (0xC0, 0x24F),                                                # Latin-1 / Extended
    (0x370, 0x3FF), (0x400, 0x4FF), (0x530, 0x58F),               # Greek, Cyrillic, Armenian
    (0x590, 0x5FF), (0x600, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F),  # Hebrew, Arabic, Devanagari, Thai
    (0x10A0, 0x10FF), (0x1100, 0x11FF), (0x3040, 0x30FF),         # Georgian, Hangul Jamo, kana
    (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF),         # CJK, Hangul, compatibility ideographs
    (0xFF00, 0xFFEF), (0x2000, 0x206F), (0x2100, 0x218F),         # fullwidth, punctuation, letterlike
    (0x1D400, 0x1D7FF), (0x20000, 0x2A6DF), (0x1F300, 0x1FAFF),   # math alnum, CJK ext B, emoji
    (0x0660, 0x0669), (0x06F0, 0x06F9), (0x0966, 0x096F), (0xFF10, 0xFF19),  # other digits
    (0x2460, 0x24FF), (0x3200, 0x33FF), (0xFB00, 0xFB4F),         # enclosed, CJK compat (NFKC-heavy)
]
_COMBINING = [chr(c) for c in range(0x300, 0x370)] + ["\u0591", "\u064B", "\u093C", "\u0E31", "\u20D7", "\u3099"]
_WHITESPACE = [" ", " ", " ", "\t", "\n", "\r", "\r\n", "\u00A0", "\u3000", "\u2028", "\u2029", "\u200B",
               "\u2009", "\u202F", "\u0085", "\u000B", "\u000C", "\u1680", "\uFEFF"]
_CONTROLS = [chr(c) for c in list(range(0, 0x20)) + [0x7F] + list(range(0x80, 0xA0))] + ["\u200D", "\u200C", "\u00AD", "\uFFFD", "\uFFFE", "\uFFFF", "\U000E0001"]
_EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇯🇵", "🇺🇸", "❤️", "🦙", "🧑🏿‍💻", "✋🏻", "1️⃣", "🤷‍♀️", "🫠"]
_WORDS = ["the", "The", "THE", "hello", "world", "don't", "I'm", "we'll", "they've", "she'd", "it's", "'s", "'LL",
          "naïve", "café", "Straße", "İstanbul", "ǅ", "ﬁ", "Ⅻ", "½", "x²", "東京", "日本語", "한국어", "Привет",
          "مرحبا", "שלום", "नमस्ते", "สวัสดี", "func()", "a.b_c", "<html>", "{\"k\": [1, 2]}", "http://x.y/z?q=1",
          "12345678901", "3.14159", "1,000,000", "0x1F", "--", "...", "!!!", "$$$", "@user", "#tag", "\\n",
          "unbelievable", "tokenization", "antidisestablishmentarianism"]


# Extra pieces for SentencePiece-style vocabularies (random_text(..., extra=True)): runs of spaces and
# tabs, NFKC-sensitive characters (full-width forms, ligatures, circled and parenthesized digits, squared
# words, super/subscripts, Roman numerals, half-width kana), combining marks after them, characters no
# SentencePiece vocabulary has (private use, rare scripts, unassigned) and the metaspace character.
_SP_NFKC = (["\uFF21", "\uFF41", "\uFF10", "\uFF01", "\uFF08", "\uFF5E", "\uFF3F", "\uFB00", "\uFB01", "\uFB02", "\uFB03",
             "\uFB04", "\uFB06", "\u2460", "\u2473", "\u2474", "\u2488", "\u24B6", "\u24D0", "\u3251", "\u32B1",
             "\u3300", "\u337F", "\u33A1", "\u2122", "\u2126", "\u212B", "\u00B2", "\u2075", "\u2081", "\u2160",
             "\u216B", "\u2170", "\uFF76", "\uFF9E", "\uFF8A\uFF9F", "\u00BD", "\u2153", "\u00A0", "\u2002",
             "\u3000", "\u01C4", "\u0132", "\u1E9B\u0323", "\uFE35", "\U0001D400", "\U0001F100"]
            + [chr(c) for c in range(0xFF01, 0xFF5F, 7)])
_SP_OUTSIDE = ["\uE000", "\U000F0001", "\u0378", "\U0001E900", "\u16A0", "\u2D30", "\uA500", "\U00011000",
               "\U0001F9FF", "\u4DC0", "\U00013000", "\u0F00", "\u1780"]


def _sp_piece(rng):
    r = rng.random()
    if r < 0.3:
        return "".join(rng.choice([" ", " ", "\t"]) for _ in range(rng.randint(1, 9)))
    if r < 0.6:
        return "".join(rng.choice(_SP_NFKC) for _ in range(rng.randint(1, 4)))
    if r < 0.75:
        return rng.choice(_SP_NFKC + ["a", "e", "o"]) + "".join(rng.choice(_COMBINING) for _ in range(rng.randint(1, 3)))
    if r < 0.9:
        return "".join(rng.choice(_SP_OUTSIDE) for _ in range(rng.randint(1, 3)))
    return rng.choice(["\u2581", "\u2581\u2581", " \u2581", "``", "''", "\u2581x"])


def _scalar(rng):
    lo, hi = rng.choice(_RANGES)
    return chr(rng.randint(lo, hi))


def _any_scalar(rng):
    while True:
        c = rng.randint(0, 0x10FFFF)
        if not 0xD800 <= c <= 0xDFFF:
            return chr(c)


def random_text(rng, specials=(), max_pieces=40, extra=False):
    """One random string built from pieces of the kinds listed in the module docstring (and with
    `extra`, a quarter of the pieces from the SentencePiece list above)."""
    parts = []
    for _ in range(rng.randint(0, max_pieces)):
        if extra and rng.random() < 0.25:
            parts.append(_sp_piece(rng))
            continue
        r = rng.random()
        if r < 0.25:
            parts.append(rng.choice(_WORDS))
        elif r < 0.45:
            parts.append("".join(_scalar(rng) for _ in range(rng.randint(1, 6))))
        elif r < 0.60:
            parts.append(rng.choice(_WHITESPACE) * rng.choice([1, 1, 1, 2, 3, 7]))
        elif r < 0.66:
            parts.append(_scalar(rng) + "".join(rng.choice(_COMBINING) for _ in range(rng.randint(1, 3))))
        elif r < 0.71:
            parts.append(rng.choice(_EMOJI))
        elif r < 0.75:
            parts.append(rng.choice(_CONTROLS))
        elif r < 0.80:
            parts.append("".join(rng.choice("0123456789") for _ in range(rng.randint(1, 12))))
        elif r < 0.84 and specials:
            s = rng.choice(specials)
            parts.append(rng.choice([s, " " + s, s + " ", s.upper(), s[:-1]]))
        elif r < 0.86:
            parts.append(_any_scalar(rng))
        elif r < 0.87:
            parts.append(rng.choice("a x ! 0 é 日 \n".split(" ") + [" "]) * rng.randint(20, 300))
        else:
            parts.append(rng.choice(",.;:!?()[]{}<>'\"`~-_=+*/\\|&^%$#@"))
    return "".join(parts)


def random_texts(seed, n, specials=(), extra=False):
    """n random strings from a fixed seed (same seed, same strings)."""
    rng = random.Random(seed)
    return [random_text(rng, specials, extra=extra) for _ in range(n)]


def random_pairs(seed, n, specials=()):
    """n (first, second) pairs of random strings; the second is sometimes empty."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        a = random_text(rng, specials, 25)
        b = "" if rng.random() < 0.05 else random_text(rng, specials, 25)
        out.append((a, b))
    return out
