"""Confirmations that never block the event loop.

Each prompt opens window-modal and calls back on the chosen answer, so the
qasync loop and the engine's notifications keep flowing while it is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget


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
