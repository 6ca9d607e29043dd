"""The Qt binding itself: a fault in it would crash the window in use."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QSyntaxHighlighter, QTextDocument

CALLS = 2000


class _Painter(QSyntaxHighlighter):
    def highlightBlock(self, text: str) -> None:
        for offset in range(len(text)):
            self.setFormat(offset, 1, self.format(offset))


def test_void_calls_leave_none_alone() -> None:
    """Calling Qt methods that return nothing keeps None's reference count:
    a binding that drops one per call (PySide6 6.12.0 on Python 3.11) ends
    the process after enough typing in the template editor."""
    timer = QTimer()
    before = sys.getrefcount(None)

    for interval in range(CALLS):
        timer.setInterval(interval)

    assert abs(sys.getrefcount(None) - before) < CALLS // 2


def test_highlighting_leaves_none_alone() -> None:
    """Repainting a long line through QSyntaxHighlighter keeps None's count."""
    document = QTextDocument()
    painter = _Painter(document)
    before = sys.getrefcount(None)

    document.setPlainText("x" * CALLS)

    assert painter.document() is document
    assert abs(sys.getrefcount(None) - before) < CALLS // 2
