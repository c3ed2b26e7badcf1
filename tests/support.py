"""What several test modules share: the demos to test, a PNG's pixels, and the tools as modules."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import io
import pathlib
import pkgutil
import sys

import numpy as np
from PIL import Image

import helpers.demos
from helpers.demo import Demo

ROOT = pathlib.Path(__file__).resolve().parents[1]


def demo_classes():
    """Every Demo subclass defined in a module of helpers.demos."""
    found = []
    for info in sorted(pkgutil.iter_modules(helpers.demos.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"helpers.demos.{info.name}")
        found += [cls for _, cls in inspect.getmembers(module, inspect.isclass)
                  if issubclass(cls, Demo) and cls is not Demo and cls.__module__ == module.__name__]
    return found


def pixels(png):
    """The RGBA pixels of PNG bytes."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def tool(name):
    """``tools/<name>.py`` loaded as a module (the tools are scripts, not a package; as when one is run, the
    others are importable by name: ``tools/`` is on the path)."""
    if str(ROOT / "tools") not in sys.path:
        sys.path.append(str(ROOT / "tools"))
    spec = importlib.util.spec_from_file_location(f"tools_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
