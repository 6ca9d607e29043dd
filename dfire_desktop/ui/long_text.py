"""Text of any length in a layout that must keep its width.

Names, URLs and engine messages come from users and receivers, so a single
one may be thousands of characters without a space. A plain QLabel asks for
room for all of it and pushes every button beside it off the screen.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

ZERO_WIDTH_SPACE = "\u200b"
# Longest run of characters a wrapping label may be unable to break: longer
# than any name an analyst must read whole (CREDENTIAL_ENCRYPTION_KEY), and
# still narrow beside a form.
LONGEST_UNBROKEN = 40
# An elided label never shrinks below this many characters' width.
FEWEST_SHOWN_CHARS = 8


def breakable(text: str, longest: int = LONGEST_UNBROKEN) -> str:
    """`text` with a zero-width space inside every run of more than `longest`
    non-space characters, so a word-wrapping label can break it anywhere."""

    def _split(match: re.Match[str]) -> str:
        run = match.group()
        parts = (run[start : start + longest] for start in range(0, len(run), longest))
        return ZERO_WIDTH_SPACE.join(parts)

    return re.sub(rf"\S{{{longest + 1},}}", _split, text)


class ElidedLabel(QLabel):
    """One line that shortens itself with "…" to the width it is given.

    `text()` keeps the full text, and so does the tooltip whenever part of
    it is hidden (made breakable, so a tooltip wider than the screen wraps).
    It asks for room for the whole text but needs only a few characters, so
    a layout shrinks it instead of growing past the window.
    """

    def __init__(
        self,
        text: str = "",
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._mode = mode
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        # QLabel.setText is a C++ slot: Python code overriding it would not
        # run for Qt's own callers, so the label has its own setter.
        self.setText(text)
        self._show_tooltip()

    def shown_text(self) -> str:
        """The text as drawn: elided to the current width."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), self._mode, width)

    def is_elided(self) -> bool:
        return self.shown_text() != self.text()

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        least = metrics.averageCharWidth() * FEWEST_SHOWN_CHARS
        width = min(metrics.horizontalAdvance(self.text()), least)
        margins = self.contentsMargins()
        height = super().minimumSizeHint().height()
        return QSize(width + margins.left() + margins.right(), height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show_tooltip()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.drawFrame(painter)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(self.alignment().value),
            self.palette(),
            self.isEnabled(),
            self.shown_text(),
            self.foregroundRole(),
        )
        painter.end()

    def _show_tooltip(self) -> None:
        self.setToolTip(breakable(self.text()) if self.is_elided() else "")
