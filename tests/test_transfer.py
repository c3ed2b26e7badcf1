"""Every exercise is a transfer, not a look-up.

A coding exercise must ask for code the notebook has not shown: it fails here when the body of its folded
reference solution already stands in a code cell above it (names may differ: the comparison renames every
identifier consistently, so ``v = beta * v + grad`` and ``u = mu * u + g`` are the same line). A numeric
exercise or prediction must not be answered by an output above it: it fails when a cell above prints a
number that reads as its expected answer (the answer rounded to the digits printed).
The expected answer of a numeric check is its ``answer`` attribute (``helpers.exercises.numeric``);
checks that accept a range of answers have none.
"""

from __future__ import annotations

import importlib
import io
import json
import keyword
import pathlib
import re
import tokenize

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CODING = re.compile(r"def (\w+)\([^)]*\):\n    \.\.\.\n+ex\.(check_\w+)\(\1\)")
NUMERIC = re.compile(r"ex\.(check_\w+)\(\.\.\.\)")
SOLUTION = re.compile(r"```python\n(def (\w+)\(.*?)```", re.S)
#: Names that keep their identity under renaming: a copy must compute with the same functions.
GLOBALS = {"np", "math", "range", "len", "abs", "zip", "sum", "min", "max", "float", "int", "enumerate", "sqrt"}


def source(cell):
    return "".join(cell["source"])


def exercise_module(cells):
    for cell in cells:
        match = re.search(r"from helpers\.exercises import (\w+) as ex", source(cell))
        if match:
            return importlib.import_module(f"helpers.exercises.{match.group(1)}")
    return None


def canonical(lines):
    """Token shapes of code lines: identifiers renamed in order of first appearance (alpha-equivalence),
    attribute names, keywords, operators and numbers kept; comments and blank lines dropped."""
    names, out = {}, []
    for line in lines:
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline))
        except (tokenize.TokenError, IndentationError, SyntaxError):
            tokens = []
        shape, previous = [], None
        for tok in tokens:
            if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.INDENT,
                            tokenize.DEDENT):
                continue
            text = tok.string
            if tok.type == tokenize.NAME and not keyword.iskeyword(text) and text not in GLOBALS and previous != ".":
                text = names.setdefault(text, f"_{len(names)}")
            shape.append(text)
            previous = tok.string
        if shape:
            out.append(" ".join(shape))
    return out


def contains(cell_lines, body_lines):
    """Whether the body's lines stand, in order and contiguous, in the cell (up to renaming)."""
    want, n = canonical(body_lines), len(body_lines)
    code = [line for line in cell_lines if line.strip() and not line.strip().startswith("#")]
    return bool(want) and any(canonical(code[i:i + n]) == want for i in range(len(code) - n + 1))


def solution_body(cells, start, name):
    """The lines of the body of ``def name`` in the first folded solution after cell ``start``."""
    for cell in cells[start + 1:start + 4]:
        for match in SOLUTION.finditer(source(cell)):
            if match.group(2) == name:
                return match.group(1).splitlines()[1:]
    return None


def printed(cell):
    """The text a code cell printed or displayed."""
    texts = []
    for output in cell.get("outputs", []):
        texts.append("".join(output.get("text", "")))
        texts.append("".join(output.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def significant(value):
    """The significant digits of a number as a check writes it (4 at most): 0.125 has 3, 0.05 has 1."""
    return len(f"{value:.4g}".lower().split("e")[0].replace("-", "").replace(".", "").strip("0"))


def shows(text, value):
    """The first number printed in ``text`` that reads as ``value``: the value rounded to the digits it shows
    (``1.520`` shows 1.52, ``20.0`` shows 20), with as many significant digits as the answer has (up to three,
    at least two), or a whole number shown as one (``0.13``, an η, does not show the answer 0.125)."""
    needed = max(2, min(3, significant(value)))
    for match in NUMBER.finditer(text):
        word = match.group().replace("−", "-")
        mantissa, _, exponent = word.lower().partition("e")
        decimals = (len(mantissa.split(".")[1]) if "." in mantissa else 0) - int(exponent or 0)
        digits = len(mantissa.replace("-", "").replace(".", "").lstrip("0"))
        number = float(word)
        whole = float(value).is_integer() and "." not in mantissa
        if (digits >= needed or whole) and number != 0 and abs(number - value) <= 0.5 * 10.0**-decimals * (1 + 1e-9):
            return word
    return None


def look_ups(cells):
    """Every exercise of a notebook that is a look-up: (cell index, what it repeats)."""
    ex = exercise_module(cells)
    found = []
    for k, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        text = source(cell).strip()
        above = [c for c in cells[:k] if c["cell_type"] == "code"]
        coding = CODING.fullmatch(text)
        if coding:
            body = solution_body(cells, k, coding.group(1))
            assert body, f"cell {k}: {coding.group(1)} has no folded ```python solution right after it"
            copies = [j for j, c in enumerate(above) if contains(source(c).splitlines(), body)]
            if copies:
                found.append((k, f"the solution of {coding.group(1)} stands in a code cell above it: "
                                 f"{source(above[copies[0]]).strip().splitlines()[0]!r}"))
        numeric = NUMERIC.fullmatch(text)
        if numeric and ex is not None:
            answer = getattr(getattr(ex, numeric.group(1)), "answer", None)
            if answer is None:
                continue
            value = answer() if callable(answer) else answer
            shown = shows("\n".join(printed(c) for c in above), float(value))
            if shown:
                found.append((k, f"{numeric.group(1)}'s answer {float(value):.4g} is printed above it, as {shown}"))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_exercise_is_a_transfer(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert not look_ups(cells), "\n".join(f"cell {k}: {why}" for k, why in look_ups(cells))


def code(text):
    return {"cell_type": "code", "source": [text], "metadata": {}, "outputs": []}


def markdown(text):
    return {"cell_type": "markdown", "source": [text], "metadata": {}}


def test_a_renamed_copy_of_code_shown_above_is_caught_and_new_code_is_not():
    shown = code("def momentum(x, v, grad, lr, beta):\n    v = beta * v + (1 - beta) * grad\n"
                 "    return x - lr * v, v\n")
    exercise = code("def my_rule(x, v, grad, lr, beta):\n    ...\n\n\nex.check_rule(my_rule)")

    def solution(body):
        return markdown(f"<details><summary>Solution</summary>\n\n```python\ndef my_rule(x, u, g, eta, mu):\n{body}```"
                        "\n</details>")

    copied = solution("    u = mu * u + (1 - mu) * g  # renamed\n    return x - eta * u, u\n")
    new = solution("    u = mu * u + g\n    return x - eta * (g + mu * u), u\n")
    assert [k for k, _ in look_ups([shown, exercise, copied])] == [1]
    assert look_ups([shown, exercise, new]) == []
    assert look_ups([exercise, copied, shown]) == []  # shown only after the exercise: not a look-up


def test_an_answer_printed_above_is_caught():
    setup = code("from helpers.exercises import square as ex")
    asked = code("ex.check_largest_lr(...)")  # its answer: 1/3 for f = 3x²
    printed_cell = code("print(1 / 3)")
    printed_cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["limit 0.3333 here\n"]}]
    other = code("print(2)")
    other["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["0.3334, 0.3, 10.3333 and 0.33343\n"]}]
    assert [k for k, _ in look_ups([setup, printed_cell, asked])] == [2]
    assert look_ups([setup, other, asked]) == []
    assert look_ups([setup, asked, printed_cell]) == []
