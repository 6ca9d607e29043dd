"""Dialogs and confirmations that never block the event loop.

Each opens window-modal (or as its own window) and calls back on the
answer, so the qasync loop and the engine's notifications keep flowing while
it is shown. Nothing here calls `exec()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

W = TypeVar("W", bound=QWidget)


def open_window(window: W) -> W:
    """Show a dialog (window-modal) or a window, deleted when it closes.

    Its Qt parent keeps it alive meanwhile, so no reference is needed.
    """
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if isinstance(window, QDialog):
        window.open()
    else:
        window.show()
    return window


def confirm(
    parent: QWidget,
    title: str,
    text: str,
    action: str,
    on_yes: Callable[[], None],
) -> QMessageBox:
    """Ask before a destructive `action` (the button's label)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)

    def _on_finished() -> None:
        if box.clickedButton() is yes:
            on_yes()

    box.finished.connect(_on_finished)
    box.open()
    return box


def ask_discard(parent: QWidget, on_discard: Callable[[], None]) -> QMessageBox:
    """Ask before closing a form whose changes were not saved."""
    return confirm(
        parent,
        "Discard changes?",
        "You have changes that are not saved. Close and lose them?",
        "Discard changes",
        on_discard,
    )


def inform(parent: QWidget, title: str, text: str) -> QMessageBox:
    """Tell the user something that needs no decision."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    box.open()
    return box
