"""The README matches the repository: every notebook listed, gallery up to date, commands exist."""

import pathlib
import re

from support import tool

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def gallery():
    return tool("gallery")


def test_every_notebook_is_in_the_table_and_the_self_study_path():
    for path in NOTEBOOKS:
        assert f"[{path.name}](notebooks/{path.name})" in README, path.name
        assert re.search(rf"\| \d \| {path.name[:2]} · ", README), f"self-study row for {path.name}"


def test_gallery_is_generated_and_up_to_date():
    module = gallery()
    assert module.build(write=False), "run: python tools/gallery.py"
    for path in NOTEBOOKS:
        assert (ROOT / "docs" / "gallery" / f"{path.stem}.png").is_file()
        assert module.binder_url(path.name) in README


def test_binder_badge_opens_notebook_01_in_jupyterlab():
    badge = re.search(r"\[!\[Launch Binder\]\([^)]*\)\]\(([^)]*)\)", README)
    assert badge, "Launch Binder badge missing"
    assert badge.group(1) == gallery().binder_url("01_square.ipynb")
    assert (ROOT / "notebooks" / "01_square.ipynb").is_file()


def test_quick_start_has_exactly_two_commands_that_exist():
    section = README.split("## Quick start", 1)[1].split("##", 1)[0]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["bash tools/start.sh", "bash tools/test.sh"]
    assert all((ROOT / c.split()[1]).is_file() for c in commands)
    assert "bash tools/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_times_are_the_estimates_of_the_core_path():
    """The README's self-study times and each notebook's "Time:" line are tools/reading_time.py's estimates."""
    reading = tool("reading_time")
    for path in NOTEBOOKS:
        minutes = reading.estimate(path)
        assert re.search(rf"\| \d \| {path.name[:2]} · [^|]+\| {minutes} min \|", README), (path.name, minutes)
        assert f"**Time:** about {minutes} minutes" in path.read_text(encoding="utf-8"), (path.name, minutes)
        assert minutes <= 60, f"{path.name}: the core path takes {minutes} minutes; move parts to 'Going further'"


def test_the_time_estimate_counts_only_the_core_path():
    reading = tool("reading_time")
    md = lambda s: {"cell_type": "markdown", "source": [s], "metadata": {}}  # noqa: E731
    code = lambda s: {"cell_type": "code", "source": [s], "metadata": {}}  # noqa: E731
    nb = {"cells": [md("## 1 · Core\none two three"), code("x = 1\n# a comment\n\ny = 2"),
                    md("**Predict** which?"), code("ex.check_which(...)"),
                    md("<details><summary>Solution</summary>\nfour five\n</details>"),
                    code("def step(x):\n    ...\n\n\nex.check_step(step)"),
                    md("## Going further (optional): more\nsix seven eight"), code("z = 3"),
                    md("## Summary\nnine")]}
    found = reading.counts_of(nb)
    # "## 1 · Core one two three" 7, "**Predict** which?" 2, the solution 0, "## Summary nine" 3: not the optional part
    assert found["words"] == 7 + 2 + 0 + 3
    assert found["code"] == 2 + 1 + 3 and found["prediction"] == 1 and found["coding"] == 1


def test_the_readme_is_for_its_readers_and_links_what_moved():
    """Students and lecturers first, under ~150 lines; the engineering lives in CONTRIBUTING.md and docs/."""
    assert len(README.splitlines()) <= 150
    for target in ("docs/lecture-plan.md", "docs/engineering.md", "CONTRIBUTING.md", "docs/cheatsheet.md"):
        assert f"]({target})" in README, target
        assert (ROOT / target).is_file(), target
