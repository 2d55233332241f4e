"""Japanese numbers as reports write them."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sengen.core.numbers import Quantity, find_numbers, join_wrapped_numbers, nfkc
from sengen.core.targets import quantities


def _one_quantity(text: str) -> Quantity | None:
    """The quantity the target reader (``core.targets.quantities``, what the parsers and the
    services read targets with) finds in ``text`` when ``text`` is exactly one quantity, else
    None. The reader has no "exactly one" function of its own: these cases hold it to reading
    each written form whole, neither more nor less."""
    norm, found = quantities(text)
    if len(found) != 1:
        return None
    [m] = found
    if norm[:m.start].strip() or norm[m.end:].strip():
        return None
    return m.quantity


@pytest.mark.parametrize("text, value, unit", [
    ("１２,０００人", 12000, "人"),
    ("２億５,０００万円", 250000000, "円"),
    ("１万人", 10000, "人"),
    ("７０％以上", 70, "％"),
    ("７２．５％", Decimal("72.5"), "％"),
    ("１２,\n０００人", 12000, "人"),  # a number cut across two lines by the wrap
    ("１２,０\n００人", 12000, "人"),
    ("1万2千人", 12000, "人"),
    ("2.5億円", 250000000, "円"),
    ("13,055 枚", 13055, "枚"),
    ("５種類", 5, "種類"),
    ("３か所", 3, "か所"),
    ("２０件以下", 20, "件"),
    ("1,234,567円", 1234567, "円"),
])
def test_one_quantity_is_read_whole(text, value, unit):
    assert _one_quantity(text) == Quantity(Decimal(value), unit)


@pytest.mark.parametrize("text", ["", "人", "十二人", "12人と13人", "1,2,3"])
def test_anything_but_one_quantity_is_not_read_as_one(text):
    assert _one_quantity(text) is None


def test_qualifier_is_read_not_kept_in_the_unit():
    [m] = find_numbers(nfkc("７０％以上"))
    assert (m.unit, m.qualifier) == ("％", "以上")
    [m] = find_numbers(nfkc("２０件以下"))
    assert (m.unit, m.qualifier) == ("件", "以下")


def test_a_list_with_commas_is_not_one_number():
    values = [m.value for m in find_numbers("1,2,3")]
    assert values == [1, 2, 3]


def _written(n: int, full_width: bool, commas: bool) -> str:
    text = f"{n:,}" if commas else str(n)
    if full_width:
        text = text.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
    return text


@given(st.integers(min_value=0, max_value=10**12), st.booleans(), st.booleans())
def test_any_written_integer_reads_back(n, full_width, commas):
    # As core.targets.quantities reads it: NFKC, wrapped numbers rejoined, then find_numbers.
    norm = join_wrapped_numbers(nfkc(_written(n, full_width, commas)))
    [m] = find_numbers(norm)
    assert (m.start, m.end, m.value) == (0, len(norm), n)


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=0, max_value=9999))
def test_man_and_oku_compose(oku, man):
    text = f"{oku}億{man}万円" if man else f"{oku}億円"
    assert _one_quantity(text) == Quantity(Decimal(oku * 10**8 + man * 10**4), "円")


@given(st.integers(min_value=10, max_value=10**9), st.data())
def test_a_line_break_anywhere_inside_a_number_is_undone(n, data):
    text = f"{n:,}人"
    cut = data.draw(st.integers(min_value=1, max_value=len(text) - 2))
    assert _one_quantity(text[:cut] + "\n" + text[cut:]).value == n


@pytest.mark.parametrize("text, unit", [("１５０品目", "品目"), ("３事業所", "事業所"), ("５コース", "コース")])
def test_counters_outside_the_list_are_read_as_units(text, unit):
    assert _one_quantity(text).unit == unit


def test_an_ordinal_is_not_a_quantity():
    assert find_numbers(nfkc("第２次プラン")) == []
