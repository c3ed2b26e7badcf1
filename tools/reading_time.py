"""Estimate how long a student needs for the core path of each notebook (the README's times).

The core path is every cell outside the sections whose heading starts "## Going further". Counted
there: words of Markdown (folded solutions left out), lines of code (blank and comment lines left
out), figures (``plotting.show``), live demos, and exercises by kind. The rates are those of a student
who has seen the lecture, reading formulas and running every cell:

    90 words per minute, 4 s per line of code (plotting code is skimmed), 1 min per figure,
    5 min per live demo, 3 min per numeric exercise or prediction, 10 min per coding exercise.

Calibration: with these rates, notebooks 02-05 as they were before the predictions, the coding
exercises and the optional sections (commit b35a73d) come out at 53, 60, 57 and 79 minutes, at the
low end of the 55-60, 60-70, 55-60 and 70-80 minutes a lecturer needed reading them as a student
who has seen the lecture.

    python tools/reading_time.py              # one line per notebook, minutes rounded to 5
    python tools/reading_time.py --sections   # and the minutes of each "## " section (the lecture plan's parts)
"""

from __future__ import annotations

import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
WORDS_PER_MIN, MIN_PER_CODE_LINE, MIN_PER_FIGURE, MIN_PER_DEMO = 90, 4 / 60, 1, 5
MIN_PER_EXERCISE = {"answer": 3, "prediction": 3, "coding": 10}
CODING = re.compile(r"def (\w+)\([^)]*\):\n    \.\.\.\n+ex\.check_\w+\(\1\)")
ANSWER = re.compile(r"ex\.check_\w+\(\.\.\.\)")


def core_cells(nb):
    """The cells outside the "## Going further" sections."""
    cells, optional = [], False
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and source.startswith("## "):
            optional = source.startswith("## Going further")
        if not optional:
            cells.append(cell)
    return cells


def counts(path):
    """Words, code lines, figures, demos and exercises (by kind) of a notebook's core path."""
    return counts_of(json.loads(pathlib.Path(path).read_text(encoding="utf-8")))


def counts_of(nb):
    found = {"words": 0, "code": 0, "figures": 0, "demos": 0, "answer": 0, "prediction": 0, "coding": 0}
    before = ""
    for cell in core_cells(nb):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            found["words"] += len(re.sub(r"<details>.*?</details>", " ", source, flags=re.S).split())
            before = source
            continue
        stripped = source.strip()
        if CODING.fullmatch(stripped):
            found["coding"] += 1
        elif ANSWER.fullmatch(stripped):
            found["prediction" if "**Predict**" in before else "answer"] += 1
        found["code"] += sum(1 for line in source.splitlines() if line.strip() and not line.strip().startswith("#"))
        found["figures"] += source.count("plotting.show(")
        found["demos"] += "nbval-ignore-output" in cell["metadata"].get("tags", []) and "Demo(" in source
        before = ""
    return found


def sections(nb):
    """(heading, minutes, optional) for every "## " section of a notebook, the cells above the first one
    counted as "(title and setup)"."""
    parts, current = [], ["(title and setup)", []]
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and source.startswith("## "):
            parts.append(current)
            current = [source.splitlines()[0][3:].strip(), []]
        current[1].append(cell)
    parts.append(current)
    found = []
    for title, cells in parts:
        optional = title.startswith("Going further")
        # counted like the core: its heading, which marks it optional, renamed
        counted = [dict(cells[0], source=["## " + "".join(cells[0]["source"])[3:].replace("Going further", "Part", 1)])
                   ] + cells[1:] if optional else cells
        found.append((title, minutes(counts_of({"cells": counted})), optional))
    return found


def minutes(found):
    return (found["words"] / WORDS_PER_MIN + found["code"] * MIN_PER_CODE_LINE + found["figures"] * MIN_PER_FIGURE
            + found["demos"] * MIN_PER_DEMO + sum(found[k] * m for k, m in MIN_PER_EXERCISE.items()))


def estimate(path):
    """The core path's time in minutes, rounded to 5."""
    return int(5 * round(minutes(counts(path)) / 5))


def main(argv=None):
    show_sections = "--sections" in (sys.argv[1:] if argv is None else argv)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        c = counts(path)
        print(f"{path.stem:14s} {c['words']:5d} words  {c['code']:4d} code lines  {c['figures']:2d} figures  "
              f"{c['demos']} demo(s)  exercises: {c['answer']} numeric, {c['prediction']} predictions, "
              f"{c['coding']} coding  ->  about {estimate(path)} min ({minutes(c):.1f})")
        if show_sections:
            nb = json.loads(path.read_text(encoding="utf-8"))
            for title, m, optional in sections(nb):
                print(f"    {m:5.1f} min  {title}" + ("  (optional: not in the core path's time)" if optional else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
