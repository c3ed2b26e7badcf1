"""The classroom exporters: slide metadata, offline slide decks and HTML pages with animations."""

import json
import pathlib

import pytest
from support import tool

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


slides = tool("slides")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_has_its_slide_type(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert not slides.update(nb), f"run: python tools/slides.py ({path.name} is out of date)"
    types = [c["metadata"]["slideshow"]["slide_type"] for c in nb["cells"]]
    assert types[0] == "slide" and types.count("slide") >= 3


def test_slide_rule():
    md = lambda s: {"cell_type": "markdown", "source": [s], "metadata": {}}  # noqa: E731
    code = lambda s, tags=(): {"cell_type": "code", "source": [s], "metadata": {"tags": list(tags)}}  # noqa: E731
    assert slides.slide_type(md("## 2 · Section")) == "slide"
    assert slides.slide_type(md("**Exercise 3.** ...")) == "subslide"
    assert slides.slide_type(md("Plain text")) == "-"
    assert slides.slide_type(code("plotting.show(fig, 'alt')")) == "subslide"
    assert slides.slide_type(code("Demo()", ["nbval-ignore-output"])) == "subslide"
    assert slides.slide_type(code("x = 1")) == "-"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    export = tool("export")
    from helpers.demos.square import SquareDemo

    full = SquareDemo.animation_frames
    # Three frames are enough to test the pipeline; the real export renders all of them.
    SquareDemo.animation_frames = lambda self: full(self)[:3]
    try:
        out = tmp_path_factory.mktemp("site")
        export.export([ROOT / "notebooks" / "01_square.ipynb"], out, vendor=False)
    finally:
        SquareDemo.animation_frames = full
    return export, out


def test_html_page_has_figures_and_a_kernel_free_animation(exported):
    export, out = exported
    html = (out / "html" / "01_square.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64") >= 2  # the static figure and the animation frames
    assert 'class="animation"' in html and "Animation of the live demo" in html
    assert "application/vnd.jupyter.widget-view+json" not in html


@pytest.mark.parametrize("kind", ["html", "slides"])
def test_exports_load_nothing_from_the_network(exported, kind):
    export, out = exported
    page = out / kind / f"01_square{'.slides' if kind == 'slides' else ''}.html"
    text = page.read_text(encoding="utf-8")
    assert export.REMOTE.search(text) is None
    assert "../vendor/font-awesome/css/font-awesome.min.css" in text
    if kind == "slides":
        assert '../vendor/reveal.js/dist/reveal.js' in text and "../vendor/mathjax/MathJax.js" in text


def test_slides_show_figures_without_their_plotting_code(exported):
    export, out = exported
    deck = (out / "slides" / "01_square.slides.html").read_text(encoding="utf-8")
    page = (out / "html" / "01_square.html").read_text(encoding="utf-8")
    plotting_code = 'plotting</span><span class="o">.</span><span class="n">show'  # as highlighted
    assert plotting_code not in deck and plotting_code in page
    assert '<span class="nf">descend</span>' in deck  # the algorithm's own code stays on its slide


def test_images_carry_alt_text(exported):
    export, out = exported
    for page in (out / "html" / "01_square.html", out / "slides" / "01_square.slides.html"):
        text = page.read_text(encoding="utf-8")
        assert 'alt="Five panels of x_k against k' in text and 'alt="Animation of the square demo"' in text
        assert "No description has been provided" not in text


def test_the_cheatsheet_is_exported_for_offline_use(exported):
    export, out = exported
    page = (out / "html" / "cheatsheet.html").read_text(encoding="utf-8")
    assert "Cheat-sheet: gradient descent and its relatives" in page
    assert "momentum_sum" in page and "Robbins" in page and "../vendor/mathjax/MathJax.js" in page
    assert export.REMOTE.search(page) is None


def test_remote_pattern_catches_cdn_references():
    export = tool("export")
    assert export.REMOTE.search('<script src="https://unpkg.com/reveal.js@4.0.2/dist/reveal.js">')
    assert export.REMOTE.search('<link href="https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/css/x.css">')
    assert export.REMOTE.search('<img src="//example.org/a.png">')
    assert not export.REMOTE.search('<a href="https://mybinder.org">a link a reader may follow</a>')
