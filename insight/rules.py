"""Persona rules: a small, safe expression language over customer fields.

    plan == "premium" and region in ["DE", "TR"]
    support_contacts >= 2
    "request" in needs or not churn_level == "low"

Parsed with Python's ``ast`` and evaluated by walking a whitelist of node types: comparisons
(==, !=, <, <=, >, >=, in, not in), and / or / not, parentheses, names (fields), and literals
(strings, numbers, booleans, None, lists). Nothing is ever ``eval``-ed.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass
from typing import Any

from insight.errors import ConfigError

_OPS = {
    ast.Eq: ("==", operator.eq), ast.NotEq: ("!=", operator.ne), ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le), ast.Gt: (">", operator.gt), ast.GtE: (">=", operator.ge),
    ast.In: ("in", lambda a, b: a in b), ast.NotIn: ("not in", lambda a, b: a not in b),
}
_ORDERING = {ast.Lt, ast.LtE, ast.Gt, ast.GtE}
# Bounds that keep parsing, checking and evaluating a rule cheap whatever the file holds.
MAX_RULE_CHARS = 2000
MAX_RULE_DEPTH = 32


@dataclass(frozen=True)
class Rule:
    """One compiled rule; ``matches(fields)`` tells whether a customer satisfies it."""

    text: str
    tree: ast.Expression
    persona: str

    def matches(self, fields: dict[str, Any]) -> bool:
        return bool(_eval(self.tree.body, fields))


def compile_rule(text: str, *, persona: str, fields: dict[str, type | tuple]) -> Rule:
    """Parse and type-check ``text`` against the available ``fields`` (name -> python type)."""
    shown = text if len(text) <= 80 else text[:77] + "..."
    where = f"persona {persona!r}, rule {shown!r}"
    if len(text) > MAX_RULE_CHARS:
        raise ConfigError(f"{where}: rule too long (got {len(text)} characters). Keep a rule under "
                          f"{MAX_RULE_CHARS} characters; split it into several rules (all must hold).")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise ConfigError(f"{where}: not a valid rule. Write comparisons like plan == \"premium\" joined by and/or.") from None
    except (RecursionError, MemoryError):
        raise ConfigError(f"{where}: rule nested too deeply to read. Keep at most {MAX_RULE_DEPTH} levels of "
                          f"parentheses, not and lists.") from None
    depth = _depth(tree)
    if depth > MAX_RULE_DEPTH:
        raise ConfigError(f"{where}: rule nested too deeply (got {depth} levels). Keep at most {MAX_RULE_DEPTH} "
                          f"levels of parentheses, not and lists.")
    _check(tree.body, where, fields)
    return Rule(text=text, tree=tree, persona=persona)


def _depth(tree: ast.AST) -> int:
    """How deep the syntax tree goes, counted without recursion."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _fields_hint(fields: dict[str, Any]) -> str:
    return "Available fields: " + ", ".join(sorted(fields)) + "."


def _literal(node: ast.AST, where: str) -> Any:
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise ConfigError(f"{where}: values must be literals like \"DE\", 2, 0.5, true or [\"DE\", \"TR\"] "
                          f"(got {ast.unparse(node)!r}).") from None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple, set)):
        return "list"
    return "none" if value is None else type(value).__name__


def _check(node: ast.AST, where: str, fields: dict[str, Any]) -> None:
    if isinstance(node, ast.BoolOp):
        for v in node.values:
            _check(v, where, fields)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check(node.operand, where, fields)
    elif isinstance(node, ast.Compare):
        if len(node.ops) != 1:
            raise ConfigError(f"{where}: one comparison at a time (got {ast.unparse(node)!r}). Join comparisons with and.")
        op = type(node.ops[0])
        if op not in _OPS:
            raise ConfigError(f"{where}: operator not allowed (got {ast.unparse(node)!r}). "
                              f"Use one of ==, !=, <, <=, >, >=, in, not in.")
        left, right = node.left, node.comparators[0]
        for side, other in ((left, right), (right, left)):
            if (isinstance(side, ast.Name) and side.id not in fields and isinstance(other, ast.Name)
                    and other.id in fields):
                quoted = ast.unparse(ast.Compare(left=left if side is right else ast.Constant(side.id),
                                                 ops=node.ops,
                                                 comparators=[ast.Constant(side.id) if side is right else right]))
                raise ConfigError(f"{where}: {side.id!r} is not a field; quote the value: {quoted.replace(chr(39), chr(34))}")
        for side in (left, right):
            if isinstance(side, ast.Name) and side.id not in fields:
                raise ConfigError(f"{where}: unknown field (got {side.id!r}). {_fields_hint(fields)}")
            if not isinstance(side, ast.Name):
                _literal(side, where)
        if isinstance(left, ast.Name) and not isinstance(right, ast.Name):
            _check_types(op, fields[left.id], _literal(right, where), left.id, where, field_left=True)
        elif isinstance(right, ast.Name) and not isinstance(left, ast.Name):
            _check_types(op, fields[right.id], _literal(left, where), right.id, where, field_left=False)
    elif isinstance(node, ast.Name):
        if node.id not in fields:
            raise ConfigError(f"{where}: unknown field (got {node.id!r}). {_fields_hint(fields)}")
    else:
        raise ConfigError(f"{where}: not allowed in a rule (got {ast.unparse(node)!r}). "
                          f"Use comparisons joined by and / or / not.")


def _check_types(op: type, field_kind: str, value: Any, name: str, where: str, *, field_left: bool) -> None:
    vkind = _kind(value)
    if op in (ast.In, ast.NotIn):
        if field_left:
            if vkind != "list":
                raise ConfigError(f"{where}: 'in' needs a list on the right (got {value!r}). Write {name} in [\"a\", \"b\"].")
            bad = [v for v in value if _kind(v) not in (field_kind, "none")]
            if bad and field_kind != "any":
                raise ConfigError(f"{where}: {name} holds {field_kind} values (got {bad[0]!r}). Use {field_kind} values.")
        elif field_kind != "list":
            raise ConfigError(f"{where}: {name} is not a list field (got {value!r} in {name}). Use == instead.")
        return
    if field_kind in ("any", "none") or vkind == "none":
        return
    if field_kind != vkind:
        raise ConfigError(f"{where}: {name} holds {field_kind} values (got {value!r}). Compare it with a {field_kind} value.")
    if op in _ORDERING and field_kind not in ("number", "text"):
        raise ConfigError(f"{where}: {name} cannot be ordered (got {value!r}). Use == or !=.")


def _eval(node: ast.AST, fields: dict[str, Any]) -> Any:
    if isinstance(node, ast.BoolOp):
        values = (_eval(v, fields) for v in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.UnaryOp):
        return not _eval(node.operand, fields)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, fields)
        right = _eval(node.comparators[0], fields)
        if left is None or right is None:
            return type(node.ops[0]) is ast.NotEq and left != right
        try:
            return _OPS[type(node.ops[0])][1](left, right)
        except TypeError:
            return False
    if isinstance(node, ast.Name):
        return fields.get(node.id)
    return ast.literal_eval(node)


def field_kinds(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Each field's kind over all customers: number, text, bool, list, or any when mixed."""
    kinds: dict[str, set[str]] = {}
    for row in rows:
        for k, v in row.items():
            kinds.setdefault(k, set()).add(_kind(v))
    out = {}
    for k, ks in kinds.items():
        ks = ks - {"none"}
        out[k] = ks.pop() if len(ks) == 1 else ("none" if not ks else "any")
    return out
