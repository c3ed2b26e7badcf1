"""The helpers stay small: size limits of the core, and no public name that nothing uses.

The core is everything in ``helpers/`` outside ``demos/`` and ``exercises/``. Its limits: at most
2,985 lines in all, 300 per module, 60 per function. (2,000 lines before the arithmetic that gives the same
bits on every CPU: ``steps.power``, ``runner.log_grid``, the figures' CPU-dependent box; 2,100 after it.
Notebook 07 added what a real network needs and no smaller module could give: ``mlp`` (ReLU layers,
softmax and cross-entropy, backpropagation with CPU-independent products and e^z, training through
``run_epochs``, 240 lines), ``schedules`` (45), the digits' reader and split in ``data`` (31), and ``run_epochs``'s
start states, default hyper-parameters, schedules and progress hook (32). Frames as data added ``canvas`` (299:
an Agg renderer that writes down what it is asked to draw, in the figure's pixels, repeats what an unchanged
artist drew, and packs the frame; the two widgets), 95 lines of ``live`` (PNG or data frames, the readout in the
frame's message, the note when the canvas front end is missing, the browser test's reference frame, clicks on
the canvas) and 50 of ``demo`` (Play in the page: the run's frames in parts; ipywidgets' Play kept for PNG
frames). 2,940 after the bytes and kernel time of a frame were cut: the recorder in its own module
(``_recorder``, so that no module passes 300), live frames that send only what a growing line adds
(``canvas._continue_lines``, 35), and the recorder's caches of styles and marker shapes (15). 2,985 after
``_glyphs`` (41): a new text (03's "epoch 12", 07's "61 of 359 wrong, first 36") took 0.55–1.35 ms of Agg's time,
most of it rendering glyphs it had rendered before; with the bitmaps kept, 0.26–0.57 ms, the same pixels.) A public name
of a core module (a module-level function, class or constant without a leading underscore) must be used
by a notebook, a demo, an exercise, a tool or a benchmark; a name only the core itself needs is private.
``python tests/test_structure.py`` prints the counts.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
HELPERS = ROOT / "helpers"
CORE = sorted(p for p in HELPERS.glob("*.py") if p.name != "__init__.py")
CONSUMERS = sorted([*(ROOT / "notebooks" / "scripts").glob("*.py"), *(HELPERS / "demos").glob("*.py"),
                    *(HELPERS / "exercises").glob("*.py"), *(ROOT / "tools").glob("*.py"),
                    *(ROOT / "benchmarks").glob("*.py")])
MAX_CORE_LINES, MAX_MODULE_LINES, MAX_FUNCTION_LINES = 2985, 300, 60


def lines(path):
    return len(path.read_text(encoding="utf-8").splitlines())


def functions(path):
    """(lines, name) of every function and method of a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.end_lineno - node.lineno + 1, node.name) for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def public_names(path):
    """The module-level names a core module defines without a leading underscore."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return {name for name in names if not name.startswith("_")}


def _module_of(node, path):
    """The dotted module an ``import from`` refers to, relative imports resolved for files in helpers/."""
    if not node.level:
        return node.module or ""
    package = path.relative_to(ROOT).with_suffix("").parts[:-node.level]
    return ".".join([*package, *([node.module] if node.module else [])])


def package_exports():
    """Names ``helpers/__init__.py`` re-exports, mapped to (module, name)."""
    exports = {}
    for node in ast.parse((HELPERS / "__init__.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                exports[alias.asname or alias.name] = (f"helpers.{node.module}", alias.name)
    return exports


def used_names(path, exports):
    """(module, name) pairs of helpers that a consumer file uses: imported, or reached as an attribute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases, used = {}, set()  # local name -> the helpers module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("helpers"):
                    aliases[alias.asname or alias.name.split(".")[0]] = alias.asname and alias.name or "helpers"
        elif isinstance(node, ast.ImportFrom):
            module = _module_of(node, path)
            for alias in node.names:
                local = alias.asname or alias.name
                if module == "helpers" and alias.name in exports:
                    used.add(exports[alias.name])
                aliases[local] = f"{module}.{alias.name}"  # a submodule, if it is one
                used.add((module, alias.name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, base = [node.attr], node.value
            while isinstance(base, ast.Attribute):
                chain.insert(0, base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in aliases:
                module = aliases[base.id]
                for i, part in enumerate(chain):
                    if module == "helpers" and part in exports:
                        used.add(exports[part])
                    used.add((module, part))
                    module = f"{module}.{part}"
                    if i == 0 and module.count(".") > 1:
                        break
    return used


def unused_public_names(consumers=CONSUMERS):
    """Public names of the core that ``consumers`` never use (a core module counts only for other modules' names)."""
    exports = package_exports()
    unused = []
    for path in CORE:
        if path.name.startswith("_"):
            continue  # a private module: its names serve the core only
        others = [p for p in consumers if p != path]
        used = set().union(*(used_names(p, exports) for p in others))
        unused += [f"{path.stem}.{name}" for name in sorted(public_names(path))
                   if (f"helpers.{path.stem}", name) not in used]
    return unused


def test_the_core_is_small():
    sizes = {path.name: lines(path) for path in CORE}
    assert sum(sizes.values()) <= MAX_CORE_LINES, sizes
    assert max(sizes.values()) <= MAX_MODULE_LINES, {k: v for k, v in sizes.items() if v > MAX_MODULE_LINES}


def test_no_function_is_long():
    long = [(n, path.name, name) for path in HELPERS.rglob("*.py") for n, name in functions(path)
            if n > MAX_FUNCTION_LINES]
    assert not long


#: Public, though no consumer names them: what the consumers receive or extend, and the reference rules.
RECEIVED = {
    "runner.Run": "the record every run returns (consumers read run.iterates, run.status, …)",
    "outcomes.Outcome": "what classify_run returns",
    "outcomes.OutcomeMap": "what outcome_map returns",
    "objectives.CriticalPoint": "what critical_points() returns",
    "objectives.Objective": "the base class of a new objective (CONTRIBUTING.md)",
    "epochs.run_epochs": "the runner over epochs that regression.fit and network.train call",
    "steps.momentum_sum": "the rule notebook 05 teaches; its own copy is tested against this one",
    "steps.momentum_delta": "the rule notebook 03 teaches, which network.train runs",
    "steps.START": "where run() finds the first state of a rule with several moments (CONTRIBUTING.md)",
    "steps.power": "β**t for a rule on a number or a grid, the same bits (tests/test_cpu_paths.py)",
}


def test_every_public_name_is_used():
    unused = unused_public_names()
    assert set(unused) <= set(RECEIVED), sorted(set(unused) - set(RECEIVED))


def test_the_usage_check_sees_uses_and_non_uses(tmp_path):
    exports = package_exports()
    script = tmp_path / "example.py"
    script.write_text("import helpers\nfrom helpers import network as nw\nfrom helpers.theory import equivalent_lr\n"
                      "helpers.run(None)\nhelpers.theory.stability_limit(1.0)\nnw.backward(1, 2, 3, 4)\n")
    used = used_names(script, exports)
    for pair in [("helpers.runner", "run"), ("helpers.theory", "stability_limit"), ("helpers.network", "backward"),
                 ("helpers.theory", "equivalent_lr")]:
        assert pair in used
    assert ("helpers.theory", "spectral_radius") not in used


if __name__ == "__main__":
    for path in CORE:
        longest = max(functions(path), default=(0, "-"))
        print(f"{lines(path):5d}  {path.name:<14} longest function {longest[1]} ({longest[0]} lines)")
    print(f"{sum(lines(p) for p in CORE):5d}  core in all")
    print("public names no notebook, demo, exercise, tool or benchmark names:", unused_public_names())
    print("... and that no other core module uses either:", unused_public_names(CONSUMERS + CORE))
