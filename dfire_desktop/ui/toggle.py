"""A sliding on/off switch, as on the webhook cards."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractButton, QWidget

TRACK_WIDTH = 40
TRACK_HEIGHT = 22


class ToggleSwitch(QAbstractButton):
    """A checkable button drawn as a switch; `toggled` fires on change."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCheckable(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(label)
        self.setToolTip(label)

    def sizeHint(self) -> QSize:
        return QSize(TRACK_WIDTH + 4, TRACK_HEIGHT + 4)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = QRectF(2, 2, TRACK_WIDTH, TRACK_HEIGHT)

        palette = self.palette()
        on = palette.highlight().color()
        off = QColor("#9e9e9e")
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(on if self.isChecked() else off)
        painter.drawRoundedRect(track, TRACK_HEIGHT / 2, TRACK_HEIGHT / 2)

        knob = TRACK_HEIGHT - 6
        x = track.right() - knob - 3 if self.isChecked() else track.left() + 3
        painter.setBrush(QColor("white"))
        painter.drawEllipse(QRectF(x, track.top() + 3, knob, knob))

        if self.hasFocus():
            painter.setPen(palette.highlight().color())
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(track.adjusted(-1, -1, 1, 1), 12, 12)
        painter.end()
