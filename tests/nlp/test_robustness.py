import time

from hypothesis import given, settings
from hypothesis import strategies as st

from nlp import Classification, classify, normalize, similarity

CATS = {None, "repair", "sanitation", "greening", "traffic", "safety", "dispute", "care",
        "health", "legal", "property", "culture", "other"}


def _valid(c):
    assert isinstance(c, Classification)
    assert c.intent in ("demand", "chat", "unsure")
    assert c.category in CATS and c.urgency in (None, "urgent", "normal")
    assert 0.0 <= c.confidence <= 1.0
    for v in (c.building, c.unit, c.room):
        assert v is None or v.isdigit()
    if c.intent == "chat":
        assert c.category is None and c.urgency is None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text(text):
    _valid(classify(text))
    assert isinstance(normalize(text), str)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("楼道灯坏了三号单元五零二冒烟着火谢谢收到-0123456789 ！？😭\x00\ue000樓")), max_size=200))
def test_field_alphabet(text):
    _valid(classify(text))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=100), st.text(max_size=100))
def test_similarity_range(a, b):
    s = similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert abs(s - similarity(b, a)) < 1e-9


def test_extremes_bounded():
    cases = [
        "楼道灯坏了" * 4000,  # 20,000 characters
        "\x00\x01\ue000\uf8ff" * 5000,
        "😭🔥👍" * 3000,
        "1234567890" * 2000,
        "A\u0301" * 5000 + "Ж中ع" * 1000,
        "", " ", "\n\t",
    ]
    for text in cases:
        t = time.perf_counter()
        _valid(classify(text))
        assert time.perf_counter() - t < 0.5
