"""A small formula evaluator: arithmetic, references and a few functions; errors, never crashes.

Sheets keeps the formula text as the userEnteredValue and shows its result as the effective
value. Unknown functions evaluate to `#NAME?` like Sheets does, so tests can rely on that too.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .a1 import A1Error, A1Range, Rect, parse_a1
from .numfmt import format_general

_DISPLAY = {
    "ERROR": "#ERROR!",
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
}


@dataclass(frozen=True)
class ErrorValue:
    """A formula error; `type` is the discovery document's ErrorValue.type."""

    type: str
    message: str

    @property
    def display(self) -> str:
        return _DISPLAY[self.type]


Scalar = float | str | bool | ErrorValue | None
Block = list[list[Scalar]]
Value = Scalar | Block
Node = tuple[object, ...]

PARSE_ERROR = ErrorValue("ERROR", "Formula parse error.")
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<func>[A-Za-z_][\w.]*)\s*\(
     |(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
     |(?P<string>"(?:[^"]|"")*")
     |(?P<ref>(?:(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?
        (?:\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?\d+:\$?\d+))
     |(?P<name>[A-Za-z_][\w.]*)
     |(?P<op><>|<=|>=|[-+*/^&=<>%(),;])
    )""",
    re.VERBOSE,
)
_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "^": operator.pow,
}
_COMPARE = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


class Context(Protocol):
    """How a formula reads other cells; `title` None means the formula's own sheet."""

    def cell(self, title: str | None, row: int, col: int) -> Scalar: ...

    def block(self, title: str | None, rect: Rect) -> Block: ...


class _ParseError(Exception):
    pass


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            raise _ParseError(text[pos:])
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    """Recursive descent with Sheets' precedence: comparison < & < +- < */ < ^ < unary < %."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.pos = tokens, 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end" or (value is not None and token[1] != value):
            raise _ParseError(value or "end")
        self.pos += 1
        return token

    def binary(self, ops: Sequence[str], next_level: Callable[[], Node]) -> Node:
        node = next_level()
        while self.peek()[0] == "op" and self.peek()[1] in ops:
            op = self.take()[1]
            node = ("bin", op, node, next_level())
        return node

    def comparison(self) -> Node:
        return self.binary(tuple(_COMPARE), self.concat)

    def concat(self) -> Node:
        return self.binary(("&",), self.additive)

    def additive(self) -> Node:
        return self.binary(("+", "-"), self.term)

    def term(self) -> Node:
        return self.binary(("*", "/"), self.power)

    def power(self) -> Node:
        return self.binary(("^",), self.unary)

    def unary(self) -> Node:
        if self.peek() in (("op", "-"), ("op", "+")):
            return ("neg" if self.take()[1] == "-" else "pos", self.unary())
        node = self.primary()
        while self.peek() == ("op", "%"):
            self.take()
            node = ("bin", "/", node, ("num", 100.0))
        return node

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "number":
            return ("num", float(text))
        if kind == "string":
            return ("str", text[1:-1].replace('""', '"'))
        if kind == "ref":
            try:
                return ("ref", parse_a1(text))
            except A1Error as error:
                raise _ParseError(text) from error
        if kind == "name":
            upper = text.upper()
            return ("bool", upper == "TRUE") if upper in ("TRUE", "FALSE") else ("name", text)
        if kind == "func":
            args: list[Node] = []
            if self.peek() != ("op", ")"):
                args.append(self.comparison())
                while self.peek() in (("op", ","), ("op", ";")):
                    self.take()
                    args.append(self.comparison())
            self.take(")")
            return ("call", text.upper(), args)
        if (kind, text) == ("op", "("):
            node = self.comparison()
            self.take(")")
            return node
        raise _ParseError(text)


def _number(value: Value) -> float | ErrorValue:
    value = _scalar(value)
    if isinstance(value, ErrorValue):
        return value
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return ErrorValue("VALUE", f"Function expects number values. But '{value}' is a text.")
    return value


def _text(value: Value) -> str | ErrorValue:
    value = _scalar(value)
    if isinstance(value, ErrorValue):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format_general(value)
    return value


def _scalar(value: Value) -> Scalar:
    """A range used where one value is expected stands for its top-left cell."""
    if isinstance(value, list):
        return value[0][0] if value and value[0] else None
    return value


def _flatten(values: Sequence[Value]) -> list[Scalar]:
    flat: list[Scalar] = []
    for value in values:
        if isinstance(value, list):
            flat.extend(cell for row in value for cell in row)
        else:
            flat.append(value)
    return flat


def _numbers(values: Sequence[Value]) -> list[float] | ErrorValue:
    """Numbers for SUM-like functions: text and blanks inside ranges are skipped, as in Sheets."""
    found: list[float] = []
    for value in _flatten(values):
        if isinstance(value, ErrorValue):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            found.append(float(value))
    return found


def _aggregate(reduce: Callable[[list[float]], float]) -> Callable[[list[Value]], Value]:
    def run(args: list[Value]) -> Value:
        numbers = _numbers(args)
        if isinstance(numbers, ErrorValue):
            return numbers
        return reduce(numbers)

    return run


def _average(numbers: list[float]) -> float:
    return sum(numbers) / len(numbers) if numbers else 0.0


def _concatenate(args: list[Value]) -> Value:
    parts = [_text(value) for value in _flatten(args)]
    for part in parts:
        if isinstance(part, ErrorValue):
            return part
    return "".join(str(part) for part in parts)


def _text_function(transform: Callable[[str], Value]) -> Callable[[list[Value]], Value]:
    def run(args: list[Value]) -> Value:
        text = _text(args[0]) if args else ""
        return text if isinstance(text, ErrorValue) else transform(text)

    return run


def _hyperlink(args: list[Value]) -> Value:
    """HYPERLINK(url, [label]) shows its label (or the URL)."""
    return _text(args[1] if len(args) > 1 else args[0]) if args else PARSE_ERROR


def _round(args: list[Value]) -> Value:
    number = _number(args[0]) if args else PARSE_ERROR
    places = _number(args[1]) if len(args) > 1 else 0.0
    if isinstance(number, ErrorValue) or isinstance(places, ErrorValue):
        return number if isinstance(number, ErrorValue) else places
    return round(number, int(places))


def _abs(args: list[Value]) -> Value:
    number = _number(args[0]) if args else PARSE_ERROR
    return number if isinstance(number, ErrorValue) else abs(number)


_FUNCTIONS: dict[str, Callable[[list[Value]], Value]] = {
    "SUM": _aggregate(sum),
    "AVERAGE": _aggregate(_average),
    "MIN": _aggregate(lambda numbers: min(numbers, default=0.0)),
    "MAX": _aggregate(lambda numbers: max(numbers, default=0.0)),
    "COUNT": _aggregate(lambda numbers: float(len(numbers))),
    "COUNTA": lambda args: float(sum(value not in (None, "") for value in _flatten(args))),
    "CONCATENATE": _concatenate,
    "CONCAT": _concatenate,
    "LEN": _text_function(lambda text: float(len(text))),
    "UPPER": _text_function(str.upper),
    "LOWER": _text_function(str.lower),
    "TRIM": _text_function(lambda text: " ".join(text.split())),
    "ROUND": _round,
    "ABS": _abs,
    "HYPERLINK": _hyperlink,
    "SPARKLINE": lambda args: None,
}


class _Evaluator:
    def __init__(self, context: Context) -> None:
        self.context = context

    def eval(self, node: Node) -> Value:
        kind = node[0]
        if kind in ("num", "str", "bool"):
            return node[1]  # type: ignore[return-value]
        if kind == "ref":
            ref = node[1]
            assert isinstance(ref, A1Range) and ref.rect is not None
            rect = ref.rect
            if rect.row1 == rect.row0 + 1 and rect.col1 == rect.col0 + 1:
                return self.context.cell(ref.title, rect.row0, rect.col0)
            return self.context.block(ref.title, rect)
        if kind == "name":
            return ErrorValue("NAME", f"Unknown range name: '{node[1]}'.")
        if kind in ("neg", "pos"):
            number = _number(self.eval(node[1]))  # type: ignore[arg-type]
            if isinstance(number, ErrorValue) or kind == "pos":
                return number
            return -number
        if kind == "call":
            return self.call(str(node[1]), node[2])  # type: ignore[arg-type]
        return self.binary(str(node[1]), node[2], node[3])  # type: ignore[arg-type]

    def call(self, name: str, args: list[Node]) -> Value:
        if name == "IF":
            if not 2 <= len(args) <= 3:
                return ErrorValue("N_A", "Wrong number of arguments to IF.")
            condition = _number(self.eval(args[0]))
            if isinstance(condition, ErrorValue):
                return condition
            if condition:
                return self.eval(args[1])
            return self.eval(args[2]) if len(args) == 3 else False
        if name == "IFERROR":
            first = _scalar(self.eval(args[0])) if args else None
            if isinstance(first, ErrorValue):
                return self.eval(args[1]) if len(args) > 1 else None
            return first
        function = _FUNCTIONS.get(name)
        if function is None:
            return ErrorValue("NAME", f"Unknown function: '{name}'.")
        values = [self.eval(arg) for arg in args]
        for value in values:
            if isinstance(value, ErrorValue):
                return value
        return function(values)

    def binary(self, op: str, left_node: Node, right_node: Node) -> Value:
        left, right = _scalar(self.eval(left_node)), _scalar(self.eval(right_node))
        if isinstance(left, ErrorValue):
            return left
        if isinstance(right, ErrorValue):
            return right
        if op == "&":
            return f"{_text(left)}{_text(right)}"
        if op in _COMPARE:
            return bool(_COMPARE[op](_sort_key(left, right), _sort_key(right, left)))
        a, b = _number(left), _number(right)
        if isinstance(a, ErrorValue):
            return a
        if isinstance(b, ErrorValue):
            return b
        if op == "/" and b == 0:
            return ErrorValue("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
        try:
            result = _ARITHMETIC[op](a, b)
        except (OverflowError, ZeroDivisionError):
            return ErrorValue("NUM", "Result was not a number.")
        if isinstance(result, complex):
            return ErrorValue("NUM", "Result was not a number.")
        return float(result)


def _sort_key(value: Scalar, other: Scalar) -> tuple[int, float | str]:
    """Sheets orders numbers < text < booleans; a blank compares as 0 or "" depending on the other side."""
    if value is None:
        value = "" if isinstance(other, str) else 0.0
    if isinstance(value, bool):
        return (2, float(value))
    if isinstance(value, str):
        return (1, value.lower())
    assert not isinstance(value, ErrorValue)
    return (0, value)


def evaluate(formula: str, context: Context) -> Scalar:
    """Evaluate `=...`; a parse error is `#ERROR!`, an unknown function `#NAME?`."""
    try:
        parser = _Parser(_tokenize(formula[1:]))
        tree = parser.comparison()
        if parser.peek()[0] != "end":
            raise _ParseError(parser.peek()[1])
    except _ParseError:
        return PARSE_ERROR
    return _scalar(_Evaluator(context).eval(tree))
