"""The application style sheet: one place for colours and emphasis."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

ERROR_RED = "#b3261e"
WARNING_BG = "#fff4ce"
WARNING_BORDER = "#c8a200"

STYLE_SHEET = f"""
QLabel#fieldError {{ color: {ERROR_RED}; }}
QLabel#hint {{ color: palette(placeholder-text); }}
QLabel#sectionTitle {{ font-size: 15pt; font-weight: bold; }}
QLabel#cardTitle {{ font-size: 12pt; font-weight: bold; }}
QLabel#emptyState {{ color: palette(placeholder-text); padding: 12px; }}
QFrame#card {{
    border: 1px solid palette(mid);
    border-radius: 6px;
    background: palette(base);
}}
QFrame#card:hover {{ border-color: palette(highlight); }}
QLabel#warningBanner, QLabel#onceWarning {{
    background: {WARNING_BG};
    color: #3d3000;
    border: 1px solid {WARNING_BORDER};
    border-radius: 4px;
    padding: 6px;
}}
QLabel#statusChip[enabledState="true"] {{ color: #1e6b2f; font-weight: bold; }}
QLabel#statusChip[enabledState="false"] {{ color: #6b6b6b; font-weight: bold; }}
"""


def apply(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)
