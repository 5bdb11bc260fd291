"""Columnar helpers: counting and de-duplicating millions of rows with pyarrow, not Python loops.

A London-size police.uk year is 1.1 million rows, five years 5.5 million, a national year
6.5 million.  pandas' arrow-backed strings make ``groupby`` and ``duplicated`` on such
columns slow (they factorise value by value); these helpers do the same work on Arrow
arrays (hash kernels in C++, multi-threaded where pyarrow is) and give the same answers.

Example
-------
>>> import pandas as pd
>>> duplicated(pd.Series(["a", "b", "a", None, None])).tolist()
[False, False, True, False, True]
>>> t = group_count({"area": pd.Series(["B", "A", "B", None]), "n": pd.Series([1, 1, 1, 1])}, ["area"])
>>> t.to_dict("list")
{'area': ['A', 'B', nan], 'count': [1, 2, 1]}
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def to_arrow(values):
    """A pandas Series / numpy array / Arrow array as a (chunked) Arrow array."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values
    if isinstance(values, pd.Series):
        arr = values.array
        inner = getattr(arr, "_pa_array", None)   # arrow-backed pandas strings: no copy
        if inner is not None:
            return inner
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        return pa.array(values.to_numpy(), from_pandas=True)
    return pa.array(np.asarray(values), from_pandas=True)


def duplicated(values) -> np.ndarray:
    """``Series.duplicated(keep="first")`` as a numpy mask: True on every repeat of a value
    (missing values are equal to each other, as in pandas).

    Uses Arrow's dictionary encoding, which numbers values in order of first appearance,
    so a row is a repeat when its number was seen on an earlier row.
    """
    arr = to_arrow(values)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    n = len(arr)
    if n == 0:
        return np.zeros(0, dtype=bool)
    fast = _duplicated_fixed_width(arr)
    if fast is not None:
        return fast
    enc = pc.dictionary_encode(arr)
    idx = enc.indices.to_numpy(zero_copy_only=False)
    nulls = enc.indices.is_null().to_numpy(zero_copy_only=False)
    idx = np.where(nulls, len(enc.dictionary), idx).astype(np.int64)   # all missing values: one code
    first = np.full(len(enc.dictionary) + 1, n, dtype=np.int64)
    np.minimum.at(first, idx, np.arange(n, dtype=np.int64))
    return first[idx] != np.arange(n)


def _duplicated_fixed_width(arr) -> np.ndarray | None:
    """:func:`duplicated` for strings that all have one length, a multiple of 8 bytes (police.uk's
    64-hex-digit crime ids), or None.

    Hashing millions of such ids into a dictionary is the slow part of de-duplicating them;
    here each id's bytes are read as 8-byte words and folded into one 64-bit number, the
    numbers are sorted, and only ids whose number occurs more than once are compared as
    text — so the answer is exact whatever the hash does.
    """
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)) or arr.null_count == len(arr):
        return None
    n = len(arr)
    valid = arr.is_valid().to_numpy(zero_copy_only=False)
    nn = arr.filter(pa.array(valid)) if arr.null_count else arr     # the values, back to back
    bufs = nn.buffers()
    odt = np.int64 if pa.types.is_large_string(nn.type) else np.int32
    offsets = np.frombuffer(bufs[1], dtype=odt)[nn.offset:nn.offset + len(nn) + 1].astype(np.int64)
    lengths = np.diff(offsets)
    width = int(lengths[0])
    if width == 0 or width % 8 or not np.all(lengths == width):
        return None
    words = np.frombuffer(bufs[2], dtype=np.uint8)[offsets[0]:offsets[-1]].view(np.uint64).reshape(-1, width // 8)
    h = np.zeros(len(words), dtype=np.uint64)
    for j in range(words.shape[1]):
        h = h * np.uint64(1099511628211) + words[:, j]
    rows = np.flatnonzero(valid)
    out = np.zeros(n, dtype=bool)
    nulls = np.flatnonzero(~valid)
    out[nulls[1:]] = True                               # missing values: all but the first are repeats
    order = np.argsort(h, kind="stable")                # equal numbers stay in row order
    hs = h[order]
    same = np.r_[False, hs[1:] == hs[:-1]]              # a number seen on an earlier row
    if not same.any():
        return out
    # rows sharing a number with another row: compare their text (real repeats, or a hash collision)
    start = np.r_[same[1:], False] & ~same              # first row of each run of equal numbers
    run = np.cumsum(start)
    cand = order[same | start]
    ids = run[same | start]
    text = nn.take(pa.array(cand)).to_pylist()
    seen: dict = {}
    for r, g, t in zip(rows[cand], ids, text):   # cand: positions among the values; rows: in arr
        key = (g, t)
        if key in seen:
            out[r] = True
        else:
            seen[key] = r
    return out


def map_unique(values, fn):
    """``fn`` applied to the distinct values only (``fn`` takes and returns a Series), then
    spread back over ``values`` — e.g. the area part of 5 million LSOA names from 5,000."""
    arr = to_arrow(values)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    enc = pc.dictionary_encode(arr)
    mapped = to_arrow(pd.Series(fn(pd.Series(enc.dictionary.to_pandas())).to_numpy()))
    if isinstance(mapped, pa.ChunkedArray):
        mapped = mapped.combine_chunks()
    return pc.take(mapped, enc.indices)


def group_count(columns: Mapping[str, object], keys: Sequence[str], mask: np.ndarray | None = None,
                name: str = "count") -> pd.DataFrame:
    """Rows per combination of ``keys`` (missing values form their own group), sorted by the
    keys with missing values last: ``DataFrame.groupby(keys, dropna=False).size()`` as columns.

    ``columns`` maps names to Series or Arrow arrays of equal length; ``mask`` selects rows.
    """
    data = {k: to_arrow(columns[k]) for k in keys}
    table = pa.table(data)
    if mask is not None:
        table = table.filter(pa.array(np.asarray(mask, dtype=bool)))
    out = table.group_by(list(keys), use_threads=True).aggregate([([], "count_all")])
    out = out.rename_columns([*keys, name] if out.column_names[-1] == "count_all" else out.column_names)
    out = out.select([*keys, name])
    try:   # pyarrow >= 25: null placement per key
        order = pc.sort_indices(out, sort_keys=[(k, "ascending", "at_end") for k in keys])
    except (TypeError, ValueError, pa.ArrowInvalid):
        order = pc.sort_indices(out, sort_keys=[(k, "ascending") for k in keys], null_placement="at_end")
    df = out.take(order).to_pandas()
    df[name] = df[name].astype("int64")
    return df

