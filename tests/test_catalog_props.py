"""Property: a catalog of any shape (every field any JSON value, products not objects, the wrong top level) is
either loaded or refused with an :class:`InputError` naming the file and the product's field; never another
exception, and a loaded product keeps the id and title it was given."""

from __future__ import annotations

import json
import math
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livehighlights.errors import InputError
from livehighlights.sources import load_catalog

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                    st.sampled_from(["9.99", "$56.38", "12,50", "20%", "0.2", "-1", "1e400", "NaN", ""]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                      max_leaves=6)
FIELDS = ["id", "title", "brand", "price", "currency", "discount", "selling_points", "images", "cost", "logo"]
PRODUCT = st.fixed_dictionaries({}, optional={f: VALUES for f in FIELDS})


def _dump(value: object) -> str:
    """JSON as a shop's export may write it (NaN and Infinity included, as Python's json does)."""
    return json.dumps(value, allow_nan=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.one_of(st.lists(st.one_of(PRODUCT, VALUES), max_size=4),
                     st.fixed_dictionaries({"products": st.lists(PRODUCT, max_size=3)}), VALUES))
def test_any_catalog_is_loaded_or_refused_by_name(tmp_path: Path, doc: object) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(_dump(doc))
    try:
        cat = load_catalog(path)
    except InputError as err:
        text = str(err)
        assert "catalog.json" in text and "\n" not in text and "Traceback" not in text
        return
    for product in cat.products.values():
        assert isinstance(product.id, str) and product.id
        assert isinstance(product.title, str)
        assert product.price is None or (math.isfinite(product.price) and product.price >= 0)
        assert product.discount is None or 0 <= product.discount < 1
