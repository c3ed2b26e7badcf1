"""Build slide decks and static HTML pages of every notebook, for use with no kernel and no internet.

    python tools/export.py                 # all notebooks -> build/slides/*.slides.html, build/html/*.html,
                                           # and docs/cheatsheet.md -> build/html/cheatsheet.html
    python tools/export.py notebooks/01_square.ipynb --out /tmp/site

What the output holds:
- the HTML page: every figure of the stored notebook, as the notebook shows it;
- the slide deck: the notebook executed again in lecture mode, so that every figure is laid out for a
  1280×720 projector (fonts of 16 pt and more, one figure per slide at the full slide width); slides
  taller than the canvas are split when the deck opens (see ``templates/gd_reveal``);
- in place of each live widget (which needs a kernel), an animation that plays in the page: the
  demo's own frames (``Demo.animation_frames``) as matplotlib's JavaScript animation;
- reveal.js, MathJax, require.js and jQuery from ``<out>/vendor`` instead of a CDN, so the decks work
  in a classroom with no network. The first build fetches them once from the npm registry (needs
  ``npm``); later builds reuse them.
"""

from __future__ import annotations

import argparse
import ast
import base64
import copy
import importlib
import importlib.util
import inspect
import io
import json
import logging
import pathlib
import pkgutil
import re
import shutil
import subprocess
import sys
import tempfile
import warnings

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib._animation_data import DISPLAY_TEMPLATE, JS_INCLUDE, STYLE_INCLUDE  # noqa: E402
from matplotlib.animation import _embedded_frames  # noqa: E402
from nbconvert import HTMLExporter, SlidesExporter  # noqa: E402
from PIL import Image  # noqa: E402

import helpers.demos  # noqa: E402
from helpers import plotting  # noqa: E402
from helpers.demo import Demo  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "tools" / "templates"
#: The slide canvas (px): a 1280×720 projector.
SLIDE_SIZE = (1280, 720)
#: npm packages served from <out>/vendor, pinned; (package, version, files or folders to keep).
VENDOR = [
    ("reveal.js", "4.6.0", ["dist", "plugin/notes"]),
    ("mathjax", "2.7.9", ["MathJax.js", "config", "extensions", "jax", "localization", "fonts/HTML-CSS/TeX/woff"]),
    ("requirejs", "2.3.8", ["require.js"]),
    ("jquery", "3.7.1", ["dist/jquery.min.js"]),
    ("font-awesome", "4.7.0", ["css", "fonts"]),  # the icons of matplotlib's animation player
]
#: What must never appear in an exported page: a script, style sheet or image loaded from another host,
#: or the address of a CDN that nbconvert's templates or matplotlib's player default to.
REMOTE = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//"""
    r"|unpkg\.com|cdnjs\.cloudflare\.com|cdn\.jsdelivr\.net|code\.jquery\.com|bootstrapcdn\.com",
    re.IGNORECASE,
)
#: matplotlib's JavaScript animation links Font Awesome from a CDN; served from vendor/ instead.
FONT_AWESOME_LINK = re.compile(r'<link[^>]*font-awesome[^>]*>', re.IGNORECASE)


def fetch_vendor(out):
    """Put the pinned front-end packages under ``out/vendor`` (once); return that folder."""
    vendor = out / "vendor"
    stamp = vendor / ".complete"
    wanted = json.dumps(VENDOR)
    if stamp.exists() and stamp.read_text() == wanted:
        return vendor
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed once to fetch reveal.js and MathJax for offline use (apt-get install npm)")
    with tempfile.TemporaryDirectory() as tmp:
        specs = [f"{name}@{version}" for name, version, _ in VENDOR]
        subprocess.run(
            [npm, "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--silent", "--prefix", tmp,
             *specs],
            check=True,
        )
        if vendor.exists():
            shutil.rmtree(vendor)
        for name, _, keep in VENDOR:
            for part in keep:
                src = pathlib.Path(tmp) / "node_modules" / name / part
                dst = vendor / name / part
                dst.parent.mkdir(parents=True, exist_ok=True)
                (shutil.copytree if src.is_dir() else shutil.copy2)(src, dst)
    stamp.write_text(wanted)
    return vendor


def demo_classes():
    """Every Demo subclass defined in helpers.demos, by class name."""
    found = {}
    for info in pkgutil.iter_modules(helpers.demos.__path__):
        module = importlib.import_module(f"helpers.demos.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Demo) and obj is not Demo and obj.__module__ == module.__name__:
                found[name] = obj
    return found


def demos_in(source, classes):
    """The demos a widget cell builds: ``SomeDemo(a=1, b=2)`` calls with literal keyword arguments.

    Arguments that are not literals are left at the demo's defaults.
    """
    made = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes:
            kwargs = {}
            for kw in node.keywords:
                try:
                    kwargs[kw.arg] = ast.literal_eval(kw.value)
                except ValueError:
                    pass
            made.append((classes[node.func.id], kwargs))
    return made


def with_animations(nb, vendor_prefix):
    """A copy of ``nb`` whose widget outputs are replaced by kernel-free animations of the same demos."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)  # widget state would pull the widget renderer from a CDN
    classes = demo_classes()
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or "nbval-ignore-output" not in cell.metadata.get("tags", []):
            continue
        made = demos_in(cell.source, classes)
        if not made:
            continue  # an ignored cell that builds no demo (a timing): as it is
        outputs = []
        for cls, kwargs in made:
            demo = cls(**kwargs)
            local = f'<link rel="stylesheet" href="{vendor_prefix}/font-awesome/css/font-awesome.min.css">'
            html = FONT_AWESOME_LINK.sub(local, animation_html(demo))
            html = html.replace("<img id=", f'<img alt="Animation of the {demo.name} demo" id=', 1)
            caption = (
                f'<p class="gd-animation-caption"><em>Animation of the live demo "{demo.name}" '
                "(open the notebook in JupyterLab to drive it with the sliders).</em></p>"
            )
            outputs.append(nbformat.v4.new_output("display_data", data={"text/html": caption + html}))
            count += 1
        cell.outputs = outputs
    return nb, count


def animation_html(demo, fps=5):
    """The frames of ``demo.animation_frames()`` as a self-contained JavaScript animation.

    Each frame is drawn the fast way (blitted onto the cached background) and embedded as a PNG in
    matplotlib's JavaScript player (the page ``Animation.to_jshtml`` writes), so the animation plays
    in an exported HTML page with no kernel and no network. The player's id is derived from the
    demo's name, so the same demo exports to the same page every time.
    """
    frames = demo.animation_frames()
    if not frames:
        raise ValueError(f"demo {demo.name!r} defines no animation frames")
    start, fig = demo.values, demo.live.fig
    # There is no readout under an animation: a demo with a caption writes it above the figure. The caption is
    # optional: a demo method animation_caption(**values) returns the line for a frame's values (or None).
    describe = getattr(demo, "animation_caption", lambda **values: None)
    caption = None
    if describe(**{**start, **frames[0]}):
        caption = demo.live.animate(fig.suptitle(" "))
    demo.live.invalidate()  # the caption takes room at the top: lay the background out again
    encoded = []
    try:
        for frame in frames:
            values = {**start, **frame}
            if demo.view_changed(**values):
                demo.live.invalidate()
            demo.draw(**values)
            if caption is not None:
                caption.set_text(describe(**values))
            demo.live.render(push=False)
            out = io.BytesIO()
            Image.fromarray(np.asarray(demo.live.canvas.buffer_rgba())).save(out, format="png")
            encoded.append(base64.encodebytes(out.getvalue()).decode("ascii"))
    finally:
        if caption is not None:
            demo.live._artists.remove(caption)  # no longer drawn over the background
            caption.remove()
            fig._suptitle = None  # matplotlib keeps the suptitle here too
        demo.live.invalidate()
        demo.update()
    modes = {"once_checked": "", "loop_checked": "checked", "reflect_checked": ""}
    return JS_INCLUDE + STYLE_INCLUDE + DISPLAY_TEMPLATE.format(
        id=f"gd_{demo.name}", Nframes=len(encoded), fill_frames=_embedded_frames(encoded, "png"),
        interval=1000 // fps, **modes)


def figures_without_code(nb):
    """A copy of ``nb`` in which the cells that draw a figure or a demo show only their output.

    On a slide the picture is the point; the plotting code would push it off the slide (the HTML
    page keeps the code for readers).
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code" and ("plotting.show(" in cell.source
                                         or "nbval-ignore-output" in cell.metadata.get("tags", [])):
            cell.metadata.setdefault("transient", {})["remove_source"] = True
    return nb


def _sibling(name):
    """A tool next to this one, loaded as a module (the tools are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"tools_{name}", pathlib.Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def in_lecture_mode(nb, path):
    """A copy of ``nb`` executed top to bottom in a fresh kernel in lecture mode, stored as tools/execute.py
    stores a notebook (no timings, no widget views)."""
    execute = _sibling("execute")
    return execute.normalise(execute.run(nb, pathlib.Path(path).parent, lecture=True))


def exporters(vendor_prefix):
    common = dict(
        extra_template_basedirs=[str(TEMPLATES)],
        mathjax_url=f"{vendor_prefix}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
        require_js_url=f"{vendor_prefix}/requirejs/require.js",
        jquery_url=f"{vendor_prefix}/jquery/dist/jquery.min.js",
    )
    html = HTMLExporter(template_name="gd_lab", **common)
    slides = SlidesExporter(template_name="gd_reveal", reveal_url_prefix=f"{vendor_prefix}/reveal.js",
                            reveal_theme="white", reveal_width=str(SLIDE_SIZE[0]), reveal_height=str(SLIDE_SIZE[1]),
                            **common)
    return html, slides


def export(paths, out, *, vendor=True):
    """Export ``paths`` into ``out/html`` and ``out/slides``; return the written files."""
    out = pathlib.Path(out)
    if vendor:
        fetch_vendor(out)
    html_exporter, slides_exporter = exporters("../vendor")
    written = []
    for path in paths:
        path = pathlib.Path(path)
        stored = nbformat.read(path, as_version=4)
        nb, count = with_animations(stored, "../vendor")
        plotting.lecture_mode(True)  # the deck's animations too are drawn for the projector
        try:
            deck, _ = with_animations(in_lecture_mode(stored, path), "../vendor")
        finally:
            plotting.lecture_mode(False)
        versions = ((html_exporter, nb, "html", ".html"),
                    (slides_exporter, figures_without_code(deck), "slides", ".slides.html"))
        for exporter, content, folder, suffix in versions:
            body, _ = exporter.from_notebook_node(content, resources={"metadata": {"name": path.stem}})
            remote = REMOTE.search(body)
            if remote:
                raise RuntimeError(f"{path.name}: the {folder} export loads from the network: {remote.group(0)!r}")
            target = out / folder / f"{path.stem}{suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
            written.append(target)
        print(f"{path.name}: {count} animation(s) -> {out / 'html' / (path.stem + '.html')}, "
              f"{out / 'slides' / (path.stem + '.slides.html')}")
    written.append(export_cheatsheet(out, html_exporter))
    return written


def export_cheatsheet(out, html_exporter):
    """``docs/cheatsheet.md`` as ``out/html/cheatsheet.html``, its formulas set by the local MathJax."""
    source = (ROOT / "docs" / "cheatsheet.md").read_text(encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(source)])
    body, _ = html_exporter.from_notebook_node(nb, resources={"metadata": {"name": "cheatsheet"}})
    remote = REMOTE.search(body)
    if remote:
        raise RuntimeError(f"the cheat-sheet loads from the network: {remote.group(0)!r}")
    target = out / "html" / "cheatsheet.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    print(f"cheatsheet.md -> {target}")
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path, help="default: every notebook in notebooks/")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "build", help="output folder (default: build/)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    # A clean build prints nothing but its summary lines: Python warnings are errors, and so is anything
    # matplotlib or nbconvert logs (e.g. an animation over its size limit, whose later frames it would drop).
    logged = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = logged.append
    for name in ("matplotlib", "traitlets"):  # traitlets: nbconvert's own log (e.g. images without alt text)
        logging.getLogger(name).addHandler(handler)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        export(paths, args.out)
    for record in logged:
        print(f"error: {record.name}: {record.getMessage()}", file=sys.stderr)
    return 1 if logged else 0


if __name__ == "__main__":
    sys.exit(main())
