"""Re-execute notebooks top to bottom in a fresh kernel and store them the reproducible way.

    python tools/execute.py                          # every notebook in notebooks/
    python tools/execute.py notebooks/02_quartic.ipynb
    python tools/execute.py --check                  # execute in memory, compare with the stored files

Running an unchanged notebook again changes nothing in its file, so a diff shows only real changes:

- no execution timestamps in the cells' metadata; a cell's consecutive printed outputs joined into
  one (how printing is cut into messages depends on timing);
- no saved widget state (the static figures and the exported HTML are the kernel-free view); a
  widget's output is stored as its text placeholder;
- cells tagged ``timing`` (wall-clock measurements, which differ on every run) are stored without
  outputs: a reader runs them to see the times on their machine;
- figures come from ``plotting.show``: fixed size and dpi, no timestamp or software version in the
  PNG, fixed seeds (the notebooks' own ``rng``);
- figures are compared as pictures, not bytes (:func:`same_picture`): on another CPU the same figure
  can come out a few antialiased pixels different, and then the stored PNG is kept, so re-executing
  elsewhere rewrites only figures that really changed.

Each notebook has a paired py:percent script in ``notebooks/scripts/`` (jupytext, configured by
``notebooks/jupytext.toml``): review the code there. Before a notebook runs, a script edited more
recently than its notebook is synced into it; after, the script is written again from the notebook.
``--check`` is what ``tests/test_reproducible.py`` runs: it names the first cell and line that differ.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import copy
import io
import json
import os
import pathlib
import subprocess
import sys

import nbformat
import numpy as np
from jupytext.cli import jupytext as jupytext_cli
from nbclient import NotebookClient
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
TIMING = "timing"  # a cell's tag: wall-clock output, never stored
IGNORED = "nbval-ignore-output"  # a cell's tag: nbval and the reproducibility check skip its outputs


@contextlib.contextmanager
def lecture_environment(lecture):
    """``GD_LECTURE_MODE`` set (or unset) for the kernels started inside: they inherit this environment."""
    saved = os.environ.get("GD_LECTURE_MODE")
    if lecture:
        os.environ["GD_LECTURE_MODE"] = "1"
    else:
        os.environ.pop("GD_LECTURE_MODE", None)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("GD_LECTURE_MODE", None)
        else:
            os.environ["GD_LECTURE_MODE"] = saved


def run(nb, folder, *, lecture=False):
    """A copy of ``nb`` executed top to bottom in a fresh kernel started in ``folder``."""
    nb = copy.deepcopy(nb)
    with lecture_environment(lecture):
        client = NotebookClient(nb, kernel_name="python3", timeout=900, record_timing=False,
                                store_widget_state=False, resources={"metadata": {"path": str(folder)}})
        # The kernel process's own log (a warning about local TCP) is noise here; what the cells print
        # or raise arrives through the kernel's messages, not through this stream.
        client.execute(stderr=subprocess.DEVNULL)
    return nb


def normalise(nb):
    """Drop everything that changes from one run to the next but says nothing about the notebook."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        if TIMING in cell.metadata.get("tags", []):
            cell.outputs = []
        cell.outputs = _merged_streams(cell.outputs)
        for output in cell.outputs:
            if WIDGET_MIME in output.get("data", {}):
                del output["data"][WIDGET_MIME]  # its model id is new on every run; the text placeholder stays
    return nb


def _merged_streams(outputs):
    """Consecutive printed outputs joined into one: how a cell's printing is cut into messages depends
    on timing (a long computation between two prints), what it printed does not."""
    merged = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (last is not None and output.output_type == "stream" and last.output_type == "stream"
                and output.name == last.name):
            last.text += output.text
        else:
            merged.append(output)
    return merged


def fresh_from(nb, folder, *, lecture=False):
    """``nb`` executed in ``folder`` and normalised (in memory)."""
    return normalise(run(nb, folder, lecture=lecture))


def fresh(path, *, lecture=False):
    """The notebook at ``path`` executed and normalised (in memory)."""
    path = pathlib.Path(path)
    return fresh_from(nbformat.read(path, as_version=4), path.parent, lecture=lecture)


def sync(path):
    """jupytext --sync: bring the notebook and its paired script level (the newer one wins)."""
    with contextlib.redirect_stdout(sys.stderr):  # jupytext narrates what it does
        jupytext_cli(["--sync", "--quiet", str(path)])


def execute(path):
    """Sync, execute, normalise and store ``path``, then write its paired script again."""
    path = pathlib.Path(path)
    sync(path)
    nbformat.write(keep_stored_figures(nbformat.read(path, as_version=4), fresh(path)), path)
    sync(path)


#: Two figures are the same picture when every pixel of each is within this many levels (of 255, in every
#: channel) of some pixel at most one pixel away in the other. A last-bit change of the data shifts an
#: antialiased edge by a few levels, re-picks the 256-colour palette by a few levels, or snaps a line or
#: marker by one pixel; a point moved further, another word or number, or another colour changes whole
#: strokes by far more.
PIXEL_LEVELS = 64


def picture(png):
    """The RGBA pixels of PNG bytes, as ints."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=int)


def _unmatched(a, b):
    """Per pixel of ``a``: the smallest largest-channel difference to a pixel of ``b`` within one pixel."""
    height, width = a.shape[:2]
    padded = np.pad(b, ((1, 1), (1, 1), (0, 0)), mode="edge")
    return np.min([np.abs(a - padded[1 + dy:1 + dy + height, 1 + dx:1 + dx + width]).max(axis=2)
                   for dy in (-1, 0, 1) for dx in (-1, 0, 1)], axis=0)


def changed_mask(a_png, b_png, box=None):
    """The pixels that differ between two PNGs beyond antialiasing and one-pixel snapping (see
    :data:`PIXEL_LEVELS`), as a boolean array; pixels inside ``box`` ([left, top, right, bottom]) are not
    compared. Pictures of different sizes: None."""
    a, b = picture(a_png), picture(b_png)
    if a.shape != b.shape:
        return None
    changed = np.maximum(_unmatched(a, b), _unmatched(b, a)) > PIXEL_LEVELS
    if box is not None:
        left, top, right, bottom = box
        changed[top:bottom, left:right] = False
    return changed


def changed_pixels(a_png, b_png, box=None):
    """How many pixels differ between two PNGs (see :func:`changed_mask`); pictures of different sizes differ
    everywhere."""
    changed = changed_mask(a_png, b_png, box)
    if changed is None:
        return max(picture(png).shape[0] * picture(png).shape[1] for png in (a_png, b_png))
    return int(changed.sum())


def largest_cluster(changed):
    """The size of the largest 8-connected group of ``changed`` pixels: a marker, a label or a stretch of line
    drawn differently is one group of many; two rasterisers' different antialiasing, scattered groups of a few."""
    left, largest = set(zip(*np.nonzero(changed), strict=True)), 0
    while left:
        stack, size = [left.pop()], 0
        while stack:
            y, x = stack.pop()
            size += 1
            for near in ((y + dy, x + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)):
                if near in left:
                    left.remove(near)
                    stack.append(near)
        largest = max(largest, size)
    return largest


def same_picture(stored, new):
    """Whether two figure outputs show the same picture: the same text form and box metadata, and PNGs
    that differ in no pixel outside the output's ``cpu_dependent_box`` (see ``helpers.plotting.show``)."""
    if stored.get("data", {}).get("text/plain") != new.get("data", {}).get("text/plain"):
        return False
    if stored.get("metadata", {}) != new.get("metadata", {}):
        return False
    box = stored.get("metadata", {}).get("image/png", {}).get("cpu_dependent_box")
    pngs = [base64.b64decode(output["data"]["image/png"]) for output in (stored, new)]
    return changed_pixels(*pngs, box) == 0


def keep_stored_figures(stored, new):
    """``new`` with every figure that shows the same picture as the stored one (same cell id and output)
    replaced by the stored PNG, so that a re-execution rewrites only figures that changed."""
    new = copy.deepcopy(new)
    old_cells = {cell.get("id"): cell for cell in stored.cells if cell.cell_type == "code"}
    for cell in new.cells:
        old = old_cells.get(cell.get("id"))
        if cell.cell_type != "code" or old is None:
            continue
        for k, (a, b) in enumerate(zip(old.get("outputs", []), cell.get("outputs", []), strict=False)):
            pngs = [o.get("data", {}).get("image/png") for o in (a, b)]
            if None not in pngs and pngs[0] != pngs[1] and same_picture(a, b):
                cell.outputs[k] = copy.deepcopy(a)
    return new


def _lines(node):
    return json.dumps(node, indent=1, sort_keys=True, ensure_ascii=False).splitlines()


def _where(old, new, context=70):
    """Two differing lines, shown around their first differing character."""
    k = next((j for j, (x, y) in enumerate(zip(old, new, strict=False)) if x != y), min(len(old), len(new)))
    start = max(0, k - context)
    return f"…{old[start:k + context]!r}… became …{new[start:k + context]!r}…"


def differences(stored, new):
    """Where two versions of a notebook differ: one message per cell, naming its first differing line.

    Outputs of cells tagged ``nbval-ignore-output`` are not compared (widgets, timings); figures are
    compared as pictures (:func:`same_picture`).
    """
    new = keep_stored_figures(stored, new)
    found = []
    if len(stored.cells) != len(new.cells):
        found.append(f"{len(stored.cells)} cells stored, {len(new.cells)} after running")
    for i, (a, b) in enumerate(zip(stored.cells, new.cells, strict=False)):
        if IGNORED in a.get("metadata", {}).get("tags", []):
            a, b = ({k: v for k, v in cell.items() if k != "outputs"} for cell in (a, b))
        if a != b:
            first = next((_where(x, y) for x, y in zip(_lines(a), _lines(b), strict=False) if x != y),
                         "the cell became longer or shorter")
            found.append(f"cell {i} (id {stored.cells[i].get('id')}): {first}")
    if stored.metadata != new.metadata:
        found.append("the notebook's metadata changed")
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path, help="default: every notebook in notebooks/")
    parser.add_argument("--check", action="store_true", help="compare a fresh run with the stored file only")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    failed = False
    for path in paths:
        if args.check:
            problems = differences(nbformat.read(path, as_version=4), fresh(path))
            failed |= bool(problems)
            verdict = "\n  ".join(["differs:", *problems]) if problems else (
                "reproduced (text exactly, figures as pictures)")
            print(f"{path.name}: {verdict}")
        else:
            execute(path)
            print(f"{path.name}: executed and stored")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
