"""Every link to this repository from its one setting, ``[project.urls] Repository`` in ``pyproject.toml``.

    python tools/links.py                 # write the README's Binder badge and the hub's nbgitpuller default URL
    python tools/links.py --check         # exit 1 if either is out of date
    python tools/links.py nbgitpuller https://hub.example.edu [notebooks/01_square.ipynb] [--branch main]

The nbgitpuller link opens the notebook in JupyterLab on that hub after pulling (the first time: cloning)
the repository into the student's home folder, a working copy of their own; a later click pulls new
commits and keeps the student's changes (nbgitpuller's merge rules). The same link, hub-relative, is the
default URL of the Zero to JupyterHub values (``hub/z2jh-values.yaml``, written here) and of
``hub/jupyterhub_config.py`` (which reads the URL from the installed package). ``tools/gallery.py`` takes
its "Open on Binder" links from here too. While the setting still holds the placeholder address, the README
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
VALUES = ROOT / "hub" / "z2jh-values.yaml"
BRANCH = "main"
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


def _rewrite(path, pattern, replacement, write):
    text = path.read_text(encoding="utf-8")
    if not pattern.search(text):
        raise SystemExit(f"{path.relative_to(ROOT)} has no place for the links ({pattern.pattern})")
    new = pattern.sub(lambda _: replacement, text, count=1)
    if write and new != text:
        path.write_text(new, encoding="utf-8")
    return new == text


def write_links(write=True):
    """Write the README's badge block and the hub values' default URL; True when both were up to date."""
    readme = _rewrite(README, re.compile(re.escape(START) + ".*?" + re.escape(END), re.S), badge_block(), write)
    values = _rewrite(VALUES, re.compile(r'^  defaultUrl: ".*"$', re.M),
                      f'  defaultUrl: "/git-pull?{nbgitpuller_query(branch=BRANCH)}"', write)
    return readme and values


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
    fresh = write_links(write=not args.check)
    if args.check and not fresh:
        print("the README's Binder badge or the hub's default URL is out of date: run python tools/links.py",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
