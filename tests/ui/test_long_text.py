"""Long text: elided labels that keep their width, and breakable messages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from dfire_desktop.ui.long_text import (
    LONGEST_UNBROKEN,
    ZERO_WIDTH_SPACE,
    ElidedLabel,
    breakable,
)

URL = "https://receiver.example/" + "a" * 2000 + "/end"


def _in_row(qtbot: QtBot, label: ElidedLabel, width: int) -> QWidget:
    """A shown row `width` wide: `label`, then an Add Webhook button."""
    row = QWidget()
    qtbot.addWidget(row)
    button = QPushButton("Add Webhook")
    layout = QHBoxLayout(row)
    layout.addWidget(label, 1)
    layout.addWidget(button)
    row.resize(width, 40)
    row.show()
    qtbot.waitExposed(row)
    return row


def test_a_long_label_is_elided_and_leaves_room_beside_it(qtbot: QtBot) -> None:
    """A 2,000-character URL shows as one "…" line within the row, the button
    beside it stays visible, and the tooltip holds the whole URL."""
    label = ElidedLabel(URL, Qt.TextElideMode.ElideMiddle)

    row = _in_row(qtbot, label, 500)

    button = row.findChild(QPushButton)
    assert button is not None
    assert label.text() == URL
    assert "…" in label.shown_text() and label.shown_text().endswith("/end")
    assert label.toolTip().replace(ZERO_WIDTH_SPACE, "") == URL
    assert button.geometry().right() < 500
    assert label.minimumSizeHint().width() < 200


def test_a_short_label_is_shown_whole_without_tooltip(qtbot: QtBot) -> None:
    """Text that fits is drawn as it is, with no tooltip repeating it."""
    label = ElidedLabel("Pager")

    row = _in_row(qtbot, label, 500)

    assert row.isVisible()
    assert label.shown_text() == "Pager" and label.toolTip() == ""


def test_new_text_that_fits_drops_the_tooltip(qtbot: QtBot) -> None:
    """Replacing a long text by a short one removes the stale tooltip."""
    label = ElidedLabel(URL)
    row = _in_row(qtbot, label, 500)
    assert label.is_elided()

    label.set_full_text("short")

    assert row.isVisible()
    assert label.toolTip() == "" and label.text() == "short"


def test_breakable_splits_only_long_runs() -> None:
    """Runs longer than the limit get zero-width spaces; words stay whole."""
    text = "missing ): " + "(" * 300 + " at CREDENTIAL_ENCRYPTION_KEY"

    shown = breakable(text)

    assert shown.replace(ZERO_WIDTH_SPACE, "") == text
    runs = shown.replace(" ", ZERO_WIDTH_SPACE).split(ZERO_WIDTH_SPACE)
    assert max(len(run) for run in runs) <= LONGEST_UNBROKEN
    assert "CREDENTIAL_ENCRYPTION_KEY" in shown
