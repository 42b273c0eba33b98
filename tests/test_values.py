"""Value taxonomy: junk terms dropped, terms clustered into readable categories, per-customer values."""

from collections import namedtuple

import numpy as np

from insight.stages.values import ValueTaxonomy, customer_values, is_junk

AXES = {"battery": 0, "charge": 0, "power": 0, "wi - fi": 1, "router": 1, "connection": 1, "camera": 2,
        "doorbell": 2, "device": 2}


def _fake_embed(texts):
    """Three axes: power words, network words, product words (by the words the text contains)."""
    rows = []
    for t in texts:
        v = np.full(3, 0.01)
        for word, axis in AXES.items():
            if word in t.lower():
                v[axis] += 1.0
        rows.append(v / np.linalg.norm(v))
    return np.array(rows)


def test_junk_terms_name_no_value():
    assert [t for t in ["two", "wait", "the", "5", "one - time", "battery", "wi - fi"] if is_junk(t)] == \
        ["two", "wait", "the", "5", "one - time"]


def test_terms_cluster_into_categories_and_products_are_dropped():
    categories = {"battery life": "battery charge power", "connectivity": "wi - fi router connection"}
    terms = {"battery": 9, "charge": 3, "router": 4, "wi - fi": 6, "doorbell": 5, "two": 7}
    tx = ValueTaxonomy(categories).fit(terms, _fake_embed)
    assert tx.term_values_ == {"battery": "battery life", "charge": "battery life", "router": "connectivity",
                               "wi - fi": "connectivity"}
    assert tx.dropped_ == ["two"]
    assert tx.taxonomy(terms)[0] == {"value": "battery life", "mentions": 12, "terms": ["battery", "charge"]}


def test_customer_praise_and_criticism_on_the_taxonomy():
    A = namedtuple("A", "label norm")
    rows = [A("positive", "wi - fi"), A("negative", "battery"), A("negative", "charge"), A("negative", "two")]
    values = customer_values(rows, {"battery": "battery life", "charge": "battery life", "wi - fi": "connectivity"})
    assert values == {"praised": [{"value": "connectivity", "mentions": 1, "terms": ["wi - fi"]}],
                      "criticised": [{"value": "battery life", "mentions": 2, "terms": ["battery", "charge"]}]}
