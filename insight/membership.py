"""Row membership in a large set of ids, for the frames the store hands out (pandas' Arrow-backed strings).

pandas 3's ``Series.isin`` on an Arrow string column turns every value of the set into a pyarrow scalar,
one Python call each, before Arrow's own ``is_in`` runs: 1.3 s for a set of 100,000 customer ids, at
every call, whatever the column's length. A profile chunk (20,000 customers, ~200,000 sentences) and each
pain point's measures ask it again and again. ``isin`` hands the set to Arrow as one array instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np


def isin(column, values: Iterable[Any]) -> np.ndarray:
    """``column.isin(values).to_numpy()``: a bool per row of ``column`` (a pandas Series), True where its value
    is one of ``values``, missing values matching a missing value in ``values`` as pandas has it. An Arrow
    string column is matched by Arrow against ``values`` converted at once; anything else (another dtype,
    values that are not all strings or missing) goes to pandas."""
    import pyarrow as pa
    import pyarrow.compute as pc

    data = _arrow_strings(column)
    given = _arrow_strings(values)  # a Series of strings (another frame's ids) goes over as it is
    values = values if isinstance(values, (list, tuple)) or given is not None else list(values)
    if data is None:
        return column.isin(values).to_numpy(dtype=bool)
    if given is not None:
        wanted = given.combine_chunks() if isinstance(given, pa.ChunkedArray) else given
        wanted = wanted.cast(data.type)
    else:
        try:
            wanted = pa.array(values, type=data.type, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):  # not all strings: pandas keeps the strings only
            return column.isin(values).to_numpy(dtype=bool)
    if len(wanted) == 0:
        return np.zeros(len(column), dtype=bool)
    return pc.is_in(data, value_set=wanted).to_numpy(zero_copy_only=False).astype(bool, copy=False)


def _arrow_strings(obj):
    """The Arrow data of a pandas Series (or Index) of Arrow-backed strings, else None."""
    import pyarrow as pa

    array = getattr(obj, "array", None)
    if array is None or not hasattr(array, "__arrow_array__"):
        return None
    data = array.__arrow_array__()
    return data if pa.types.is_string(data.type) or pa.types.is_large_string(data.type) else None
