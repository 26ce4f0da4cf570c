"""Vietnamese syllable structure: initial consonants and untoned rhymes.

Written by hand from standard descriptions of Vietnamese orthography (initial consonant, optional
medial o/u, vowel nucleus, optional final consonant or semivowel). The lists are used to decide
whether a Telex/VNI decoding produced real Vietnamese syllables; a generous list only lets a few
more implausible decodings through as low-weight alternatives, a missing rhyme drops one.
"""

INITIALS: tuple[str, ...] = (
    "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip

RHYMES: frozenset[str] = frozenset(
    """
    a ai ao au ay ac ach am an ang anh ap at
    ăc ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây
    e eo ec em en eng ep et
    ê êch êm ên êng ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt
    oc oe oen oeo oet oi om on ong op ot oong ooc
    ô ôc ôi ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt
    u ua uân uâng uât uây uê uêch uênh ui uc um un ung up ut uy uya uych uyên uyêt uyn uynh
    uyt uyu uôc uôi uôm uôn uông uôt uơ
    ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
    y yêm yên yêng yêt yêu
    """.split()
)

VOWELS = frozenset("aăâeêioôơuưy")
MARKED_VOWELS = frozenset("ăâêôơư")

# Open syllables whose tone goes on the second vowel in the house style (see tone_placement).
SECOND_VOWEL_TONED = frozenset({"oa", "oe", "uy"})
