# JupyterHub for a class on one machine: the gradient-descent notebooks, a working copy per student,
# lecture mode for the lecturers, idle servers stopped. docs/hub.md explains each choice; tests/test_hub.py
# starts a real hub from this file (with GD_HUB_AUTHENTICATOR=dummy and GD_HUB_SPAWNER=simple).
#
# Install (one virtual environment for the hub and the students' servers, e.g. /opt/gd-hub):
#   python3 -m venv /opt/gd-hub && . /opt/gd-hub/bin/activate
#   pip install -r requirements.txt ./<this repository at a tag> -r hub/requirements.txt
#   npm install -g configurable-http-proxy
#   cd /srv/gd-hub && jupyterhub -f /path/to/hub/jupyterhub_config.py    (as root, e.g. a systemd service)
#
# The settings a class changes are at the top, each with its GD_HUB_… environment variable.
import os
import sys
from importlib.metadata import PackageNotFoundError, metadata
from urllib.parse import quote, urlencode

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file


def setting(name, default):
    return os.environ.get(f"GD_HUB_{name}", default)


def repository_url():
    """The notebooks' repository: the helpers package's [project.urls] Repository (pyproject.toml)."""
    try:
        urls = metadata("gd-helpers").get_all("Project-URL") or []
    except PackageNotFoundError:
        urls = []
    found = dict(url.split(", ", 1) for url in urls)
    return found.get("Repository", "https://github.com/gradient-descent-notebooks/gradient-descent-notebooks")


# -- the class -----------------------------------------------------------------------------------------
#: Where nbgitpuller pulls each student's working copy from, and which branch (keep it the branch whose
#: notebooks match the helpers installed here: each notebook's setup cell says so when they do not).
REPOSITORY = setting("REPOSITORY", repository_url())
BRANCH = setting("BRANCH", "main")
#: Accounts whose notebooks open in lecture mode (projector layout); they are also the hub's admins.
LECTURERS = setting("LECTURERS", "lecturer").split()
#: How students log in: "native" (jupyterhub-nativeauthenticator: students sign up, a lecturer authorizes
#: each account at /hub/authorize) or the university's single sign-on through oauthenticator (e.g.
#: "generic-oauth", "azuread", "github"; configure its client id and secret as its docs say).
AUTHENTICATOR = setting("AUTHENTICATOR", "native")
#: "systemd" (jupyterhub-systemdspawner, as The Littlest JupyterHub): each student's server runs as an
#: unprivileged user of its own with the memory and CPU limits below enforced. "simple": every server runs
#: as the hub's own user, in GD_HUB_HOMES; only for a trial, as students can then read each other's files.
SPAWNER = setting("SPAWNER", "systemd")
HOMES = setting("HOMES", "/srv/gd-hub/homes/{username}")
#: A server with no activity for this long (seconds) is stopped; its files stay.
CULL_IDLE_AFTER = int(setting("CULL_IDLE_AFTER", "3600"))

#: Per student, from docs/hub.md's sizing table (benchmarks/class_load.py): a server with one notebook's
#: kernel needs ≈0.2 GiB; the limit leaves room for three kernels at once. CPU: a slider drag is short
#: bursts, so no guarantee; a limit of one core keeps one student's runaway loop from stalling the class.
MEM_GUARANTEE = "256M"
MEM_LIMIT = "1G"
CPU_GUARANTEE = 0.05
CPU_LIMIT = 1.0

# -- logging in --------------------------------------------------------------------------------------
c.JupyterHub.authenticator_class = AUTHENTICATOR
c.Authenticator.admin_users = set(LECTURERS)
# Who may log in is the authenticator's business: with "native", a lecturer authorizes each sign-up (and
# nobody else gets in); with OAuth, replace this by allowed_users, or the provider's groups or domains.
c.Authenticator.allow_all = True
if AUTHENTICATOR == "native":
    c.NativeAuthenticator.open_signup = False  # accounts wait for a lecturer's authorization

# -- the students' servers ---------------------------------------------------------------------------
c.Spawner.cmd = [os.path.join(sys.prefix, "bin", "jupyterhub-singleuser")]  # this environment's server
c.Spawner.mem_guarantee, c.Spawner.mem_limit = MEM_GUARANTEE, MEM_LIMIT
c.Spawner.cpu_guarantee, c.Spawner.cpu_limit = CPU_GUARANTEE, CPU_LIMIT
c.Spawner.args = [
    # A kernel whose page was closed holds its memory until stopped: stop kernels idle for 20 minutes with
    # no page connected (an open demo is connected, so it stays).
    "--MappingKernelManager.cull_idle_timeout=1200",
    "--MappingKernelManager.cull_interval=120",
]
if SPAWNER == "systemd":
    c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
    c.SystemdSpawner.dynamic_users = True  # a user of its own per student, made by systemd: no accounts to manage
    c.SystemdSpawner.isolate_tmp = True
    c.SystemdSpawner.disable_user_sudo = True
else:
    c.JupyterHub.spawner_class = SPAWNER
    c.SimpleLocalProcessSpawner.home_dir_template = HOMES
    if os.geteuid() == 0:
        # Every server runs as the hub's user, here root: jupyter_server refuses to run as root unless told
        # (without this, the server exits and the hub answers a bare 500).
        c.Spawner.args.append("--ServerApp.allow_root=True")

# A working copy per student: the hub opens nbgitpuller's link, which clones the repository into the
# student's home folder the first time and later pulls new commits into it, keeping the student's edits.
# The notebooks' originals stay in the repository. (tools/links.py prints the same link for handing out.)
FOLDER = REPOSITORY.rstrip("/").split("/")[-1]
c.Spawner.default_url = "/git-pull?" + urlencode(
    {"repo": REPOSITORY, "branch": BRANCH, "urlpath": f"lab/tree/{FOLDER}/notebooks/01_square.ipynb"},
    quote_via=quote, safe="/:")

# Lecture mode for the lecturers: their kernels start with GD_LECTURE_MODE=1 (figures and demos laid out
# for a 1280×720 projector; printed numbers do not change), everyone else's with 0.
c.JupyterHub.load_groups = {"lecturers": {"users": LECTURERS}}


def lecture_mode(spawner):
    return "1" if any(group.name == "lecturers" for group in spawner.user.groups) else "0"


c.Spawner.environment = {"GD_LECTURE_MODE": lecture_mode}

# -- idle servers ------------------------------------------------------------------------------------
# jupyterhub-idle-culler as a hub service, with only the permissions it needs.
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={CULL_IDLE_AFTER}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
