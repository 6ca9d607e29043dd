"""Start the window: Qt on a qasync loop, the engine on its own thread."""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dfire_desktop.config import AppConfig


def run_window(config: AppConfig) -> int:
    """Show the main window until it is closed; the exit status."""
    # Imported here so the command line's other subcommands never load Qt.
    import qasync
    from PySide6.QtWidgets import QApplication

    from dfire_desktop.ui import theme
    from dfire_desktop.ui.bridge import EngineBridge
    from dfire_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("DFIRe Desktop")
    theme.apply(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    bridge = EngineBridge(config)
    window = MainWindow(bridge)
    window.show()
    # The engine boots after the window is up: it is the slow part.
    bridge.start()

    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    try:
        with loop:
            loop.run_until_complete(closed.wait())
    finally:
        bridge.stop()
    return 0
