"""``tools/links.py``: the README's Binder badge and the nbgitpuller links, all from pyproject's Repository URL."""

from urllib.parse import parse_qs, urlsplit

import pytest
from support import tool

REAL = "https://github.com/someone/gd-course"


@pytest.fixture(scope="module")
def links():
    return tool("links")


def test_the_links_are_written_from_the_setting(links):
    assert links.write_links(write=False), "run: python tools/links.py"
    values = links.VALUES.read_text(encoding="utf-8")
    assert f'defaultUrl: "/git-pull?{links.nbgitpuller_query(branch="main")}"' in values
    readme = links.README.read_text(encoding="utf-8")
    block = readme.split(links.START, 1)[1].split(links.END, 1)[0]
    assert links.binder_url("01_square.ipynb") in block
    # Until the real address is set, the README says the links lead nowhere yet.
    assert ("placeholder address" in block) == (links.repository() == links.PLACEHOLDER)


def test_a_real_address_gives_binder_links_without_the_note(links):
    block = links.badge_block(REAL)
    assert "mybinder.org/v2/gh/someone/gd-course/HEAD?urlpath=lab/tree/notebooks/01_square.ipynb" in block
    assert "placeholder" not in block
    assert links.binder_url("02_quartic.ipynb", REAL + ".git/").endswith("/v2/gh/someone/gd-course/HEAD"
                                                                         "?urlpath=lab/tree/notebooks/02_quartic.ipynb")


def test_the_setting_is_read_from_pyproject(links, tmp_path):
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "x"\n[project.urls]\nRepository = "{REAL}.git"\n')
    assert links.repository(tmp_path / "pyproject.toml") == REAL


@pytest.mark.parametrize("url", ["https://gitlab.com/someone/gd-course", "https://github.com/someone"])
def test_binder_needs_a_github_address(links, url):
    with pytest.raises(ValueError, match="https://github.com/OWNER/NAME"):
        links.binder_url("01_square.ipynb", url)


@pytest.mark.parametrize("branch", [None, "main"])
def test_the_nbgitpuller_link_pulls_the_repository_and_opens_the_notebook(links, branch):
    link = links.nbgitpuller_url("https://hub.example.edu/", "notebooks/05_momentum.ipynb", REAL, branch)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.edu", "/hub/user-redirect/git-pull")
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    expected = {"repo": REAL, "urlpath": "lab/tree/gd-course/notebooks/05_momentum.ipynb"}
    assert query == (expected if branch is None else {**expected, "branch": branch})


def test_the_command_prints_the_link(links, capsys):
    assert links.main(["nbgitpuller", "https://hub.example.edu", "--branch", "main"]) == 0
    assert capsys.readouterr().out.strip() == links.nbgitpuller_url("https://hub.example.edu", branch="main")
