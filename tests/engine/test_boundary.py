"""The engine never imports Qt, so it runs the same headless and in tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dfire_desktop.engine

ENGINE_DIR = Path(dfire_desktop.engine.__file__).parent
FORBIDDEN = ("PySide6", "qasync", "dfire_desktop.ui", "shiboken6")


def test_importing_every_engine_module_loads_no_qt() -> None:
    """Importing all engine modules in a fresh interpreter loads no Qt."""
    modules = [
        f"dfire_desktop.engine.{p.stem}"
        for p in ENGINE_DIR.glob("*.py")
        if p.stem != "__init__"
    ]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r} "
        "or m.startswith('dfire_desktop.ui')]\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert len(modules) > 10
    assert done.stdout.strip() == ""


def test_no_engine_source_names_qt() -> None:
    """No engine source file imports Qt, even lazily inside a function."""
    offenders = [
        path.name
        for path in ENGINE_DIR.glob("*.py")
        for line in path.read_text().splitlines()
        if line.strip().startswith(("import ", "from "))
        and any(name in line for name in FORBIDDEN)
    ]

    assert offenders == []
