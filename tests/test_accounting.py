import pytest

from assessment.accounting import Accounting, AccountingError


def test_reconciles_and_reports_by_reason():
    acc = Accounting()
    acc.read("crimes", 100)
    acc.read("crimes", 20)  # a second file of the same input adds up
    acc.exclude("crimes", "outside the area", 15)
    acc.exclude("crimes", "duplicate crime id", 5)
    acc.exclude("crimes", "outside the area", 2)
    acc.use("crimes", 98)
    acc.check()
    s = acc.to_summary()["crimes"]
    assert s == {"read": 120, "used": 98, "excluded": {"duplicate crime id": 5, "outside the area": 17}}
    t = acc.to_frame()
    assert t["reason"].tolist() == ["outside the area", "duplicate crime id"]  # largest first
    assert t["rows"].tolist() == [17, 5]


def test_unreconciled_input_is_an_error():
    acc = Accounting()
    acc.read("victims", 10)
    acc.use("victims", 9)
    with pytest.raises(AccountingError, match="read 10 != used 9 \\+ excluded 0"):
        acc.check()


def test_zero_exclusions_are_not_listed_and_inputs_without_exclusions_have_one_row():
    acc = Accounting()
    acc.read("population", 3)
    acc.exclude("population", "negative", 0)
    acc.use("population", 3)
    t = acc.to_frame()
    assert len(t) == 1 and t.loc[0, "reason"] == "" and t.loc[0, "excluded"] == 0


def test_merge_adds_counts():
    a, b = Accounting(), Accounting()
    a.read("x", 2); a.use("x", 2)
    b.read("x", 3); b.use("x", 1); b.exclude("x", "bad", 2)
    a.merge(b)
    a.check()
    assert a.to_summary()["x"] == {"read": 5, "used": 3, "excluded": {"bad": 2}}
