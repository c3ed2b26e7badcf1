"""Every link to this repository from its one setting, ``[project.urls] Repository`` in ``pyproject.toml``.

    python tools/links.py                 # write the README's Binder badge (between its links: markers)
    python tools/links.py --check         # exit 1 if the README's badge is out of date
    python tools/links.py nbgitpuller https://hub.example.edu [notebooks/01_square.ipynb] [--branch main]

The nbgitpuller link opens the notebook in JupyterLab on that hub after pulling (the first time: cloning)
the repository into the student's home folder, a working copy of their own; a later click pulls new
commits and keeps the student's changes (nbgitpuller's merge rules). ``tools/gallery.py`` takes its
"Open on Binder" links from here too. While the setting still holds the placeholder address, the README
says so under the badge.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys
import tomllib
from urllib.parse import quote, urlencode, urlsplit

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
#: The address the repository had before its real one was known: links to it lead nowhere yet.
PLACEHOLDER = "https://github.com/gradient-descent-notebooks/gradient-descent-notebooks"
START, END = "<!-- links:start -->", "<!-- links:end -->"
FIRST_NOTEBOOK = "notebooks/01_square.ipynb"


def repository(pyproject=ROOT / "pyproject.toml"):
    """The repository's URL, from ``pyproject.toml`` (no trailing slash or ``.git``)."""
    return _clean(tomllib.loads(pathlib.Path(pyproject).read_text())["project"]["urls"]["Repository"])


def _clean(url):
    return re.sub(r"(\.git)?/*$", "", url.strip())


def github_slug(url=None):
    """``owner/name`` of a GitHub repository URL (Binder's ``gh`` provider needs it)."""
    parts = urlsplit(_clean(url or repository()))
    slug = parts.path.strip("/")
    if parts.netloc != "github.com" or slug.count("/") != 1:
        raise ValueError(f"the Repository URL must be https://github.com/OWNER/NAME for Binder, got {url!r}")
    return slug


def binder_url(notebook_name, url=None):
    """Binder's link that opens ``notebooks/<notebook_name>`` in JupyterLab."""
    return f"https://mybinder.org/v2/gh/{github_slug(url)}/HEAD?urlpath=lab/tree/notebooks/{notebook_name}"


def nbgitpuller_query(notebook=FIRST_NOTEBOOK, url=None, branch=None):
    """The query of nbgitpuller's ``git-pull`` link: clone or pull ``url`` into the home folder, open ``notebook``."""
    url = _clean(url or repository())
    folder = url.split("/")[-1]  # nbgitpuller's default target folder: the repository's name
    query = {"repo": url, **({"branch": branch} if branch else {}), "urlpath": f"lab/tree/{folder}/{notebook}"}
    return urlencode(query, quote_via=quote, safe="/:")


def nbgitpuller_url(hub_url, notebook=FIRST_NOTEBOOK, url=None, branch=None):
    """A link to hand out: log in on the hub at ``hub_url``, start one's server, pull, open ``notebook``."""
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{nbgitpuller_query(notebook, url, branch)}"


def badge_block(url=None):
    url = _clean(url or repository())
    lines = [START, f"[![Launch Binder](https://mybinder.org/badge_logo.svg)]({binder_url('01_square.ipynb', url)})"]
    if url == PLACEHOLDER:
        lines.append("")
        lines.append("*The Binder links point at a placeholder address until the repository's URL is set in "
                     "`pyproject.toml` (`[project.urls]`; then run `python tools/links.py` and "
                     "`python tools/gallery.py`).*")
    return "\n".join([*lines, END])


def write_readme(write=True):
    """Put the badge block into the README; returns True when it was already up to date."""
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no {START} … {END} block")
    new = pattern.sub(lambda _: badge_block(), text, count=1)
    if write and new != text:
        README.write_text(new, encoding="utf-8")
    return new == text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the README's badge is out of date")
    sub = parser.add_subparsers(dest="command")
    pull = sub.add_parser("nbgitpuller", help="print the nbgitpuller link for a hub")
    pull.add_argument("hub_url")
    pull.add_argument("notebook", nargs="?", default=FIRST_NOTEBOOK)
    pull.add_argument("--branch", default=None, help="default: the repository's default branch")
    args = parser.parse_args(argv)
    if args.command == "nbgitpuller":
        print(nbgitpuller_url(args.hub_url, args.notebook, branch=args.branch))
        return 0
    fresh = write_readme(write=not args.check)
    if args.check and not fresh:
        print("README.md's Binder badge is out of date: run python tools/links.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
