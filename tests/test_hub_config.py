"""The example hub config and the Zero to JupyterHub values agree with each other, the links and the sizing table.

``hub/jupyterhub_config.py`` is loaded here as JupyterHub loads it (``get_config``), for each choice its
settings offer; ``tests/test_hub.py`` starts a real hub from it. ``hub/z2jh-values.yaml`` cannot run here
(no Kubernetes): its numbers are compared with ``docs/hub.md``'s sizing table and with the one-machine
config, and its default URL with ``tools/links.py``'s nbgitpuller link.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from support import tool
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "hub" / "jupyterhub_config.py"
VALUES = yaml.safe_load((ROOT / "hub" / "z2jh-values.yaml").read_text())
DOCS = (ROOT / "docs" / "hub.md").read_text(encoding="utf-8")
CULLER_SCOPES = {"list:users", "read:users:activity", "read:servers", "delete:servers"}


def load(monkeypatch, euid=1000, **settings):
    """The config as JupyterHub would load it, with GD_HUB_<NAME> settings; returns (Config, its namespace)."""
    for name in ("REPOSITORY", "BRANCH", "LECTURERS", "AUTHENTICATOR", "SPAWNER", "HOMES", "CULL_IDLE_AFTER"):
        monkeypatch.delenv(f"GD_HUB_{name}", raising=False)
    for name, value in settings.items():
        monkeypatch.setenv(f"GD_HUB_{name.upper()}", str(value))
    monkeypatch.setattr("os.geteuid", lambda: euid)
    config = Config()
    namespace = {"get_config": lambda: config, "__file__": str(CONFIG)}
    exec(compile(CONFIG.read_text(), str(CONFIG), "exec"), namespace)  # noqa: S102 - what JupyterHub does with it
    return config, namespace


def sizing():
    """The per-student limits of docs/hub.md's sizing section: {row name: value}."""
    return dict(re.findall(r"^\| (memory guarantee|memory limit|CPU guarantee|CPU limit) \| `([^`]+)` \|", DOCS, re.M))


def test_a_real_class_gets_real_users_and_a_real_login(monkeypatch):
    config, _ = load(monkeypatch)
    assert config.JupyterHub.authenticator_class == "native"
    assert config.NativeAuthenticator.open_signup is False  # a lecturer authorizes each account
    assert config.JupyterHub.spawner_class == "systemdspawner.SystemdSpawner"
    assert config.SystemdSpawner.dynamic_users is True
    assert not any("allow_root" in arg for arg in config.Spawner.args)  # servers never run as root


@pytest.mark.parametrize("euid", [0, 1000])
def test_the_simple_spawner_passes_allow_root_only_as_root(monkeypatch, euid, tmp_path):
    config, _ = load(monkeypatch, euid=euid, spawner="simple", homes=f"{tmp_path}/{{username}}")
    assert config.JupyterHub.spawner_class == "simple"
    assert config.SimpleLocalProcessSpawner.home_dir_template == f"{tmp_path}/{{username}}"
    assert ("--ServerApp.allow_root=True" in config.Spawner.args) == (euid == 0)


def test_each_student_gets_a_working_copy_through_the_same_link_tools_links_prints(monkeypatch):
    links = tool("links")
    config, _ = load(monkeypatch)
    # The repository comes from the installed package's metadata, i.e. pyproject.toml's one setting.
    assert config.Spawner.default_url == "/git-pull?" + links.nbgitpuller_query(branch="main")
    config, _ = load(monkeypatch, repository="https://github.com/someone/course", branch="spring")
    query = parse_qs(urlsplit(config.Spawner.default_url).query)
    assert query == {"repo": ["https://github.com/someone/course"], "branch": ["spring"],
                     "urlpath": ["lab/tree/course/notebooks/01_square.ipynb"]}


def test_lecture_mode_for_the_lecturers_only(monkeypatch):
    config, _ = load(monkeypatch, lecturers="ada grace")
    assert config.JupyterHub.load_groups == {"lecturers": {"users": ["ada", "grace"]}}
    assert config.Authenticator.admin_users == {"ada", "grace"}
    mode = config.Spawner.environment["GD_LECTURE_MODE"]

    def spawner(*groups):
        return SimpleNamespace(user=SimpleNamespace(groups=[SimpleNamespace(name=g) for g in groups]))

    assert mode(spawner("lecturers")) == "1"
    assert mode(spawner()) == mode(spawner("students")) == "0"


def test_the_idle_culler_is_a_service_with_only_the_scopes_it_needs(monkeypatch):
    config, _ = load(monkeypatch, cull_idle_after=900)
    (service,) = config.JupyterHub.services
    assert service["name"] == "idle-culler" and service["command"][1:] == ["-m", "jupyterhub_idle_culler",
                                                                           "--timeout=900"]
    (role,) = config.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"] and set(role["scopes"]) == CULLER_SCOPES


def test_limits_agree_with_the_sizing_table_on_one_machine_and_past_it(monkeypatch):
    config, namespace = load(monkeypatch)
    table = sizing()
    assert set(table) == {"memory guarantee", "memory limit", "CPU guarantee", "CPU limit"}, table
    assert (config.Spawner.mem_guarantee, config.Spawner.mem_limit) == (table["memory guarantee"],
                                                                      table["memory limit"])
    assert (config.Spawner.cpu_guarantee, config.Spawner.cpu_limit) == (float(table["CPU guarantee"]),
                                                                      float(table["CPU limit"]))
    single = VALUES["singleuser"]
    assert single["memory"] == {"guarantee": table["memory guarantee"], "limit": table["memory limit"]}
    assert single["cpu"] == {"guarantee": float(table["CPU guarantee"]), "limit": float(table["CPU limit"])}
    assert VALUES["cull"]["enabled"] is True and VALUES["cull"]["timeout"] == namespace["CULL_IDLE_AFTER"]


def test_the_kubernetes_values_hand_out_the_same_class(monkeypatch):
    config, _ = load(monkeypatch)
    assert VALUES["singleuser"]["defaultUrl"] == config.Spawner.default_url
    hub = VALUES["hub"]["config"]
    assert hub["JupyterHub"]["load_groups"] == {"lecturers": {"users": ["lecturer"]}}
    assert hub["Authenticator"]["admin_users"] == sorted(config.Authenticator.admin_users)
    assert 'c.KubeSpawner.environment["GD_LECTURE_MODE"] = lecture_mode' in VALUES["hub"]["extraConfig"]["lectureMode"]
    scheduling = VALUES["scheduling"]
    assert scheduling["userPlaceholder"]["enabled"] and scheduling["podPriority"]["enabled"]
    # The image is the helpers version's tag, built by repo2docker from binder/.
    helpers_version = re.search(r'__version__ = "([^"]+)"', (ROOT / "helpers" / "_version.py").read_text()).group(1)
    assert VALUES["singleuser"]["image"]["tag"] == f"v{helpers_version}"
    assert "nbgitpuller" in (ROOT / "binder" / "requirements.txt").read_text()


def test_nbgitpuller_is_pinned_alike_for_the_hub_and_the_image():
    def pin(path):
        return re.search(r"^nbgitpuller==(\S+)", (ROOT / path).read_text(), re.M).group(1)

    assert pin("hub/requirements.txt") == pin("binder/requirements.txt")


def test_the_sizing_table_is_derived_from_the_benchmark_output():
    """docs/hub.md quotes benchmarks/class_load.py's lines; its table and sizing lines follow from the last one."""
    spec = importlib.util.spec_from_file_location("class_load", ROOT / "benchmarks" / "class_load.py")
    class_load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(class_load)
    measured = re.findall(r"^class frames=data students=.*$", DOCS, re.M)  # the table: frames as data
    assert [class_load.figures_of(line)["students"] for line in measured] == [5, 10, 20]
    figures = class_load.figures_of(measured[-1])
    rows = re.findall(r"^\| (\d+) \| ([\d.]+) GiB \| ([\d.]+) \| (\d+) Mbit/s \|$", DOCS, re.M)
    assert [int(row[0]) for row in rows] == list(class_load.CLASS_SIZES)
    for students, ram, cores, mbit in rows:
        size = class_load.sizing(figures, int(students), rate=10.0)
        assert (ram, cores, mbit) == (f"{size['ram_gib']:.1f}", f"{size['cores']:.1f}", f"{size['mbit_s']:.0f}")
        assert "frames=data " + class_load.sizing_line(size) in DOCS
