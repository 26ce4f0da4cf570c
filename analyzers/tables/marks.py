"""Vietnamese combining marks and the small character classes the normaliser needs.

Written by hand from the Unicode code charts (Combining Diacritical Marks, U+0300–U+036F) and
Vietnamese orthography: five tone marks, three vowel-quality marks (circumflex, breve, horn).
"""

GRAVE = "\u0300"  # huyền
ACUTE = "\u0301"  # sắc
TILDE = "\u0303"  # ngã
HOOK = "\u0309"  # hỏi
DOT_BELOW = "\u0323"  # nặng

TONE_MARKS = (GRAVE, ACUTE, TILDE, HOOK, DOT_BELOW)

CIRCUMFLEX = "\u0302"  # â ê ô
BREVE = "\u0306"  # ă
HORN = "\u031b"  # ơ ư

VOWEL_MARKS = (CIRCUMFLEX, BREVE, HORN)

# Typed for Đ (U+0110) because it looks the same: U+00D0 LATIN CAPITAL LETTER ETH.
ETH_FOR_D = {"\u00d0": "\u0110"}

# Every apostrophe-like character readers and catalogues use in names such as H'Mông; all become
# the ASCII apostrophe so that ASCII text is never changed.
APOSTROPHES = ("\u2019", "\u2018", "\u02bc", "\u02b9", "\u2032", "\uff07")

# Invisible characters removed outright (soft hyphen, zero-width space, word joiner, BOM).
INVISIBLE = ("\u00ad", "\u200b", "\u2060", "\ufeff")

# Blocks whose precomposed letters get decomposed-sequence rules in the engine's mapping table:
# Latin-1 Supplement, Latin Extended-A and -B, Latin Extended Additional (all Vietnamese letters).
LATIN_RANGES = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))
