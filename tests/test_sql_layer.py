"""SQL lives in the store layer: every other module of the package calls named store methods."""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "insight"
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET)\b", re.S)
SHELLS = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if p.name != "store.py")


@pytest.mark.parametrize("module", SHELLS)
def test_no_sql_outside_the_store(module):
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert [s for s in strings if SQL.search(s)] == []
    private = [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr in ("con", "_insert_frame")]
    assert private == []
