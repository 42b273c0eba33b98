"""insight.membership.isin answers what pandas' Series.isin answers, for every kind of value set."""

import numpy as np
import pandas as pd
import pytest

from insight.membership import isin

COLUMN = pd.Series(["a", None, "b", "c", None, "a"])


@pytest.mark.parametrize("values", [
    {"a"}, {"a", None}, {"z"}, set(), ["b", float("nan")], {1, "a"}, {1}, [pd.NA, "c"], ("c", "c"),
    pd.Series(["a", "c"]), pd.Series(["a", None]), pd.Series([], dtype="str"), pd.Index(["b"]),
    pd.Series([1, 2]), pd.Series(["a"], dtype=object), pd.Series(["c", "c", "b"])[1:],
], ids=repr)
def test_same_rows_as_pandas(values):
    assert isin(COLUMN, values).tolist() == COLUMN.isin(values).tolist()


def test_other_columns_go_to_pandas():
    assert isin(pd.Series([1, 2, 3]), {2}).tolist() == [False, True, False]
    assert isin(pd.Series(["a", "b"], dtype=object), {"b"}).tolist() == [False, True]


def test_a_large_set_masks_a_frame_like_pandas():
    frame = pd.DataFrame({"customer_id": [f"c{i % 997}" for i in range(20_000)], "n": range(20_000)})
    ids = {f"c{i}" for i in range(0, 997, 3)}
    mask = isin(frame["customer_id"], ids)
    assert mask.dtype == np.bool_
    pd.testing.assert_frame_equal(frame[mask], frame[frame["customer_id"].isin(ids)])
