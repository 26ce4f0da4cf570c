"""Vietnamese filing order: the alphabet and the tones, as Vietnamese dictionaries order them.

Written by hand from the order of the Từ điển tiếng Việt (Hoàng Phê): 29 letters
a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, and within a syllable whose letters
are equal the tone decides: ngang < huyền < hỏi < ngã < sắc < nặng. The letters Vietnamese does
not use (f j w z, found in foreign names and loanwords) take their Latin places.
"""

from analyzers.tables import marks

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"

# No tone mark (ngang) first; the index of a mark is its rank.
TONES = ("", marks.GRAVE, marks.HOOK, marks.TILDE, marks.ACUTE, marks.DOT_BELOW)
