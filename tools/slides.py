"""Give every notebook cell its slide type, so ``jupyter nbconvert --to slides`` makes a sensible deck.

One idea per slide: each ``#``/``##`` heading starts a slide; a ``###`` heading, an exercise, a
"Note" box, a figure and a widget each start a sub-slide below it; a timing cell is left out;
everything else continues the current slide. Only cell metadata changes, never a source or an
output, so the notebooks' nbval baseline is untouched. ``tests/test_export.py`` checks the
notebooks are up to date with this rule.

    python tools/slides.py            # update every notebook in notebooks/
    python tools/slides.py --check    # exit 1 if a notebook needs updating
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def slide_type(cell):
    src = "".join(cell["source"]).lstrip()
    if cell["cell_type"] == "markdown":
        if src.startswith(("# ", "## ")):
            return "slide"
        if src.startswith(("### ", "**Exercise", "> **Note")):
            return "subslide"
        return "-"
    tags = cell.get("metadata", {}).get("tags", [])
    if "timing" in tags:
        return "skip"  # a wall-clock measurement: its output is not stored, and a slide has no kernel
    if "nbval-ignore-output" in tags or "plotting.show(" in src:
        return "subslide"
    return "-"


def update(nb):
    """Set the slide type of every cell; return True when something changed."""
    changed = False
    for cell in nb["cells"]:
        want = slide_type(cell)
        if cell.setdefault("metadata", {}).get("slideshow", {}).get("slide_type") != want:
            cell["metadata"]["slideshow"] = {"slide_type": want}
            changed = True
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks that need updating")
    args = parser.parse_args(argv)
    stale = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        if update(nb):
            stale.append(path.name)
            if not args.check:
                # Same layout as Jupyter writes (indent 1, trailing newline) keeps diffs small.
                path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    for name in stale:
        print(("needs slide metadata: " if args.check else "updated: ") + name)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
