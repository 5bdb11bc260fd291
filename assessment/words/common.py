"""Wording shared by several chapters: ordinals, ranks in words, category names.

>>> rank_words(rank_phrase(8, 32))
'the 8th highest'
"""
from __future__ import annotations

import math


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 22 -> '22nd'.

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st', '111th']
    """
    n = int(n)
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_phrase(rank, n: int, tied: bool = False) -> str:
    """Rank ``rank`` of ``n`` (1 = highest) in words, from the nearer end (the middle rank of
    an odd number of areas is stated from the top).

    >>> rank_phrase(1, 32), rank_phrase(8, 32), rank_phrase(16, 32), rank_phrase(17, 32), rank_phrase(32, 32)
    ('the highest', '8th highest', '16th highest', '16th lowest', 'the lowest')
    >>> rank_phrase(3, 10, tied=True)
    'joint 3rd highest'
    """
    if rank is None or (isinstance(rank, float) and math.isnan(rank)):
        return "not ranked"
    rank, n = int(rank), int(n)
    joint = "joint " if tied else ""
    if rank == 1:
        return f"{joint}the highest" if not tied else "joint highest"
    from_bottom = n - rank + 1
    if rank > (n + 1) / 2:
        if from_bottom == 1 and not tied:
            return "the lowest"
        return f"{joint}{ordinal(from_bottom)} lowest" if from_bottom > 1 else "joint lowest"
    return f"{joint}{ordinal(rank)} highest"


def pretty_category(name: str) -> str:
    """'VIOLENCE AGAINST THE PERSON' -> 'Violence against the person' (other names unchanged; a name
    of three capitals or fewer is an abbreviation and stays).

    >>> pretty_category("THEFT OR UNAUTH TAKING OF A MOTOR VEH"), pretty_category("Burglary"), pretty_category("ASB")
    ('Theft or unauth taking of a motor veh', 'Burglary', 'ASB')
    """
    s = str(name)
    if len(s.replace(" ", "")) <= 3:
        return s
    return s[:1] + s[1:].lower() if s.isupper() else s


def rank_words(phrase: str) -> str:
    """'8th highest' -> 'the 8th highest', 'joint 3rd highest' -> 'the joint 3rd highest'.

    >>> rank_words("the highest"), rank_words("joint 3rd highest"), rank_words("2nd lowest")
    ('the highest', 'the joint 3rd highest', 'the 2nd lowest')
    """
    return phrase if phrase.startswith("the ") else f"the {phrase}"


def group_position(rank, n, tied: bool = False) -> str:
    """The area's position in its comparator group, the one wording used in text and tables:
    its rank in words from the nearer end, "of" the group's size.

    >>> group_position(5, 8), group_position(1, 8), group_position(2, 8, tied=True)
    ('4th lowest of 8', 'the highest of 8', 'joint 2nd highest of 8')
    """
    if rank is None or n is None or (isinstance(rank, float) and math.isnan(rank)):
        return "not ranked"
    return f"{rank_phrase(rank, n, tied)} of {int(n)}"
