"""The slide decks, as a projector shows them: every slide fits 1280×720, every figure fills the slide.

The decks are built by ``tools/export.py`` (lecture-mode figures, vendored reveal.js and MathJax) into a
temporary folder and opened in headless Chromium at 1280×720. The test fails on any slide whose content
is taller or wider than the slide, and on any figure shown narrower than 80 % of the slide or shrunk so
far that its 16 pt tick labels would be under 14 px. It prints one line per deck and saves a screenshot
of each deck's first figure slide in ``artifacts/slides/``.
"""

import os
import shutil
import time
from pathlib import Path

import pytest
from browser_support import CHROMIUM_ARGS, INSTALL_HINT, find_chromium
from support import tool

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SHOTS = ROOT / "artifacts" / "slides"
MIN_FIGURE_SHARE = 0.8  # of the slide's width
#: Lecture-mode tick labels are ≥ 16 pt = 22.2 px at the figure's 100 dpi; on the slide they must stay ≥ 14 px.
MIN_FIGURE_SCALE = 14.0 / (16.0 * 100 / 72)

SLIDES_JS = """
() => {
  const config = Reveal.getConfig();
  const scale = Reveal.getScale();
  return Reveal.getSlides().map((slide) => {
    const where = Reveal.getIndices(slide);
    Reveal.slide(where.h, where.v);
    const figures = Array.from(slide.querySelectorAll('.jp-OutputArea-output img'))
      .filter((img) => img.naturalWidth > 0)
      .map((img) => {
        const width = img.getBoundingClientRect().width;
        return {share: width / scale / config.width, scale: width / img.naturalWidth};
      });
    return {h: where.h, v: where.v, height: slide.scrollHeight, width: slide.scrollWidth,
            slideWidth: config.width, slideHeight: config.height, figures,
            text: slide.innerText.trim().slice(0, 60).replace(/\\s+/g, ' ')};
  });
}
"""


def _unavailable(reason):
    if os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}:
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    if shutil.which("npm") is None:
        _unavailable("the slide decks need npm once, to fetch reveal.js and MathJax (apt-get install npm)")
    export = tool("export")
    out = tmp_path_factory.mktemp("site")
    export.export(NOTEBOOKS, out)
    return out / "slides"


@pytest.fixture(scope="module")
def browser():
    path = find_chromium()
    if path is None or sync_playwright is None:
        _unavailable(f"no Chromium or Playwright: {INSTALL_HINT}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.xdist_group("projector")
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_every_slide_fits_a_projector(notebook, decks, browser, report_line):
    deck = decks / f"{notebook.stem}.slides.html"
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(deck.as_uri())
        page.wait_for_function("window.gdDeckReady === true", timeout=60_000, polling=100)
        slides = page.evaluate(SLIDES_JS)
        problems = []
        for s in slides:
            where = f"slide {s['h'] + 1}.{s['v'] + 1} ({s['text']!r})"
            if s["height"] > s["slideHeight"]:
                problems.append(f"{where} is {s['height']} px tall, the slide {s['slideHeight']} px")
            if s["width"] > s["slideWidth"]:
                problems.append(f"{where} is {s['width']} px wide, the slide {s['slideWidth']} px")
            for figure in s["figures"]:
                if figure["share"] < MIN_FIGURE_SHARE:
                    problems.append(f"{where}: a figure fills only {figure['share']:.0%} of the slide's width")
                if figure["scale"] < MIN_FIGURE_SCALE:
                    problems.append(f"{where}: a figure is shown at {figure['scale']:.2f} of its size (tick labels "
                                    "under 14 px)")
        first = next((s for s in slides if s["figures"]), None)
        if first is not None:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.evaluate(f"Reveal.slide({first['h']}, {first['v']})")
            time.sleep(1.0)  # the slide transition
            page.screenshot(path=SHOTS / f"{notebook.stem}.png")
        tallest = max(s["height"] for s in slides)
        figures = sum(len(s["figures"]) for s in slides)
        report_line(f"browser deck={notebook.stem} slides={len(slides)} tallest_px={tallest} figures={figures}")
        assert slides and first is not None, f"{deck.name}: no slides, or no figure on any slide"
        assert not problems, "\n".join(problems)
    finally:
        page.close()
