import pandas as pd
import pytest

from assessment.disclosure import DisclosureError, check_publishable, suppress


class _DS:
    victims = pd.DataFrame({"victim_id": ["VIC-1", "VIC-2"]})
    offenders = pd.DataFrame({"offender_id": ["OFF-9"]})
    asb = None


def test_primary_and_secondary_suppression():
    t = pd.DataFrame({"ward": list("ABCD"), "n": [20, 3, 0, 7]})
    out, k = suppress(t, ["n"], min_count=5)
    # 3 is primary; being the only suppressed cell, the next smallest non-zero (7) goes too,
    # marked [c] (it is not fewer than 5); 0 stays
    assert out["n"].tolist() == [20, "<5", 0, "[c]"] and k == 2


def test_no_secondary_when_two_cells_already_suppressed():
    t = pd.DataFrame({"n": [1, 2, 9, 12]})
    out, k = suppress(t, ["n"], min_count=5)
    assert out["n"].tolist() == ["<5", "<5", 9, 12] and k == 2


def test_no_secondary_without_total():
    out, k = suppress(pd.DataFrame({"n": [3, 9]}), ["n"], min_count=5, total=False)
    assert out["n"].tolist() == ["<5", 9] and k == 1


def test_identifier_column_refused():
    with pytest.raises(DisclosureError, match="identifier column"):
        check_publishable(pd.DataFrame({"offender_id": ["x"]}), None)


def test_identifier_value_refused():
    with pytest.raises(DisclosureError, match="personal identifiers"):
        check_publishable(pd.DataFrame({"who": ["VIC-2"]}), _DS())
    check_publishable(pd.DataFrame({"who": ["Ward A"]}), _DS())  # fine
