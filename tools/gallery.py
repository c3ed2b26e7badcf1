"""Regenerate the README gallery: a thumbnail per notebook, cut from the notebook's own stored figure.

    python tools/gallery.py           # writes docs/gallery/*.png and the README section between the markers
    python tools/gallery.py --check   # exit 1 if the README section or a thumbnail is out of date

The figure is the output of the cell tagged ``gallery`` or, without such a tag, the notebook's first
PNG output; its text form (the alt text given to ``plotting.show``) becomes the caption.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import pathlib
import re
import sys

from links import binder_url  # tools/links.py: every link to the repository, from pyproject.toml
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parents[1]
GALLERY = ROOT / "docs" / "gallery"
README = ROOT / "README.md"
START, END = "<!-- gallery:start -->", "<!-- gallery:end -->"
THUMB_WIDTH = 480


def gallery_figure(nb):
    """``(png_bytes, alt_text)`` of the gallery figure of a notebook."""
    candidates = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        tagged = "gallery" in cell.get("metadata", {}).get("tags", [])
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                alt = "".join(data.get("text/plain", "")).strip()
                figure = (base64.b64decode("".join(data["image/png"])), alt)
                if tagged:
                    return figure
                candidates.append(figure)
    if not candidates:
        raise ValueError("the notebook has no stored figure")
    return candidates[0]


def title(nb):
    first = "".join(nb["cells"][0]["source"]).splitlines()[0]
    return first.lstrip("# ").strip()


def first_sentence(text):
    text = re.sub(r"\s+", " ", text).strip()
    end = re.search(r"\.(\s|$)", text)
    return text if end is None else text[: end.start()] + "."


def thumbnail(png):
    image = Image.open(io.BytesIO(png)).convert("RGB")
    height = round(image.height * THUMB_WIDTH / image.width)
    out = io.BytesIO()
    image.resize((THUMB_WIDTH, height), Image.Resampling.LANCZOS).save(out, format="PNG", optimize=True)
    return out.getvalue()


def section(entries):
    rows = ["| | notebook |", "|---|---|"]
    for name, heading, alt in entries:
        thumb = f"docs/gallery/{pathlib.Path(name).stem}.png"
        caption = first_sentence(alt).replace("|", "\\|")
        rows.append(
            f'| <img src="{thumb}" width="320" alt="{caption}"> '
            f"| **[{heading}](notebooks/{name})**<br>{caption}<br>[Open on Binder]({binder_url(name)}) |"
        )
    return "\n".join([START, *rows, END])


def build(write):
    """Write (or with ``write`` False, only compare) the thumbnails and the README section; True when
    everything was already up to date. The stored figures are reproducible, so are the thumbnails."""
    entries, fresh = [], True
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        png, alt = gallery_figure(nb)
        entries.append((path.name, title(nb), alt))
        target, thumb = GALLERY / f"{path.stem}.png", thumbnail(png)
        if not target.is_file() or target.read_bytes() != thumb:
            fresh = False
            if write:
                GALLERY.mkdir(parents=True, exist_ok=True)
                target.write_bytes(thumb)
    readme = README.read_text(encoding="utf-8")
    if START not in readme or END not in readme:
        raise SystemExit(f"README.md needs the markers {START} and {END}")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    updated = head + section(entries) + tail
    if write and updated != readme:
        README.write_text(updated, encoding="utf-8")
    return fresh and updated == readme


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the README section is up to date")
    args = parser.parse_args(argv)
    up_to_date = build(write=not args.check)
    if args.check and not up_to_date:
        print("README gallery or its thumbnails are out of date: run python tools/gallery.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
