"""Tone-placement rules, written by hand from Vietnamese orthography.

Mục lục's one style is the "new" placement (hoà, khoẻ, thuỷ): in the open syllables oa, oe, uy
the tone sits on the second vowel. Both styles occur in one catalogue, so the "old" spellings
(hòa, khỏe, thủy) are rewritten to it. Because the rule is "tone on the second vowel of oa/oe/uy",
it also repairs the common slips hòan → hoàn and ngòai → ngoài (closed or longer syllables always
carry the tone after the o).

The other slips put the tone on the u of qu or the i of gi, which belong to the initial
consonant (qúy → quý, qúa → quá, gìa → già). `nghĩa` is not touched: its ĩ follows an h.

Each rule is (lowercase key without tone, index of the wrongly toned letter, index of the letter
that must carry the tone); `analyzers.normalise` expands them over the five tones and all case
patterns.
"""

# (letters, toned position as typed, position where the tone belongs)
RULES: tuple[tuple[str, int, int], ...] = (
    ("oa", 0, 1),
    ("oe", 0, 1),
    ("uy", 0, 1),
    *((f"qu{v}", 1, 2) for v in ("a", "ă", "â", "e", "ê", "o", "ô", "ơ")),
    *((f"gi{v}", 1, 2) for v in ("a", "ă", "â", "e", "ê", "o", "ô", "ơ", "u", "ư")),
)
