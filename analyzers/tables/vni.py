"""VNI-Windows, written by hand from the VNI font layout (not in glibc iconv).

VNI fonts draw a Vietnamese letter as its base letter followed by one "mark" byte (a second glyph
that the font places over or under the base), so VNI text read as Windows-1252 looks like
`Nguyeãn Du`, `Truyeän Kieàu`. A few letters are a single byte (đ, ơ, ư and the i-with-tone
letters, ỵ). Keys below are those byte sequences as they appear when read as Windows-1252;
lowercase mark bytes follow lowercase bases, uppercase mark bytes follow uppercase bases.
"""

# Mark bytes (as Windows-1252 characters), lowercase then uppercase form.
# Plain vowels a e o u y: tone marks only.
TONE = {"sắc": "ùÙ", "huyền": "øØ", "hỏi": "ûÛ", "ngã": "õÕ", "nặng": "ïÏ"}
# After a / e / o: circumflex, and circumflex combined with each tone.
CIRCUMFLEX = {"": "âÂ", "sắc": "áÁ", "huyền": "àÀ", "hỏi": "åÅ", "ngã": "ãÃ", "nặng": "äÄ"}
# After a: breve, and breve combined with each tone.
BREVE = {"": "êÊ", "sắc": "éÉ", "huyền": "èÈ", "hỏi": "úÚ", "ngã": "üÜ", "nặng": "ëË"}

# Single bytes standing for a whole letter: (lowercase, uppercase) → letter pair.
SINGLE = {
    ("ñ", "Ñ"): ("đ", "Đ"),
    ("ô", "Ô"): ("ơ", "Ơ"),
    ("ö", "Ö"): ("ư", "Ư"),
    ("í", "Í"): ("í", "Í"),
    ("ì", "Ì"): ("ì", "Ì"),
    ("æ", "Æ"): ("ỉ", "Ỉ"),
    ("ó", "Ó"): ("ĩ", "Ĩ"),
    ("ò", "Ò"): ("ị", "Ị"),
    ("î", "Î"): ("ỵ", "Ỵ"),
}
