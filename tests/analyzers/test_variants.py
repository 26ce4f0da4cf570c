"""The i/y key merges kĩ/kỹ, lí/lý, Qui/Quy and nothing else."""

import pytest

from analyzers.variants import variant_key


@pytest.mark.parametrize(
    ("a", "b"),
    [("kĩ thuật", "Kỹ thuật"), ("lí luận", "Lý luận"), ("Qui Nhơn", "Quy Nhơn"), ("mĩ", "mỹ")],
)
def test_spellings_share_a_key(a: str, b: str) -> None:
    assert variant_key(a) == variant_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("tay", "tai"), ("thuy", "thui"), ("yêu", "iêu")],
)
def test_different_words_keep_different_keys(a: str, b: str) -> None:
    assert variant_key(a) != variant_key(b)
