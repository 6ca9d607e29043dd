"""The preview pane: the exact body, its size, the headers and the problems.

It shows an engine Preview as it is: the body is the bytes that would be
sent (secret values are already masks), the headers carry masked
credentials and the signature computed over the shown body.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.preview import Preview
from dfire_desktop.engine.templating import SECRET_MASK
from dfire_desktop.ui.form import hint, monospace
from dfire_desktop.ui.lint_list import LintList, LintListView
from dfire_desktop.ui.template_highlighter import TemplateHighlighter

WAITING: Final = "Rendering the preview…"
NOTHING_SENT: Final = "Nothing would be sent"
PROBLEMS_HEIGHT: Final = 190
NO_PROBLEMS: Final = "Problems: none — the template renders to valid JSON."


def size_text(size: int) -> str:
    """`1,234 bytes (1.2 KiB)`: exact first, since limits are in bytes."""
    exact = f"{size:,} byte{'' if size == 1 else 's'}"
    return exact if size < 1024 else f"{exact} ({size / 1024:.1f} KiB)"


def headers_text(headers: tuple[tuple[str, str], ...]) -> str:
    return "\n".join(f"{name}: {value}" for name, value in headers)


def _read_only(editor: QPlainTextEdit) -> QPlainTextEdit:
    # Wrapped, not scrolled sideways: a long message line is read in full.
    monospace(editor)
    editor.setReadOnly(True)
    return editor


def _titled(title: QLabel, body: QWidget) -> QWidget:
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 4, 0, 0)
    column.addWidget(title)
    column.addWidget(body, 1)
    return box


class PreviewPane(QWidget):
    """Shows one Preview at a time; the problems go to the LintList model."""

    def __init__(self, lints: LintList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lints = lints
        self.preview: Preview | None = None
        self._build()

    def _build(self) -> None:
        title = QLabel("What would be sent")
        title.setObjectName("cardTitle")
        self.source = QLabel(WAITING)
        self.source.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("warningBanner")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.body = _read_only(QPlainTextEdit())
        self.body.setPlaceholderText(f"{NOTHING_SENT} until the errors are fixed.")
        self._body_colours = TemplateHighlighter(self.body.document(), False)
        self.body_size = QLabel("Body")
        self.headers = _read_only(QPlainTextEdit())
        self.problems = QLabel(NO_PROBLEMS)
        self.problems.setWordWrap(True)
        self.lint_view = LintListView(self.lints)
        self.lint_view.setMaximumHeight(PROBLEMS_HEIGHT)
        self.lint_view.hide()

        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(_titled(self.body_size, self.body))
        split.addWidget(_titled(QLabel("Headers that would be sent"), self.headers))
        split.setSizes([520, 170])
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(title)
        column.addWidget(self.source)
        column.addWidget(self.error)
        column.addWidget(split, 1)
        column.addWidget(self.problems)
        column.addWidget(self.lint_view)
        column.addWidget(
            hint(
                f"Secret values and credentials show as {SECRET_MASK}; the "
                "signature is computed over the body exactly as shown."
            )
        )

    def show_pending(self) -> None:
        self.source.setText(WAITING)

    def show_preview(self, preview: Preview) -> None:
        self.preview = preview
        self.lints.set_messages(preview.lint)
        self.source.setText(f"Rendered with: {preview.source}")
        self.headers.setPlainText(headers_text(preview.headers))
        self._show_problem_count()

        if preview.text is None:
            self._show_unrenderable(preview.error)
            return
        self.error.hide()
        self.body.setPlainText(preview.text)
        self.body_size.setText(f"Body — {size_text(preview.size_bytes)}, UTF-8")

    def show_failure(self, message: str) -> None:
        """The engine could not make a preview at all (say, a deleted case)."""
        self.preview = None
        self.lints.set_messages([])
        self.source.setText("No preview could be made.")
        self.headers.clear()
        self._show_problem_count()
        self._show_unrenderable(message)

    def _show_unrenderable(self, reason: str) -> None:
        self.error.setText(f"{NOTHING_SENT}: {reason}")
        self.error.show()
        self.body.clear()
        self.body_size.setText("Body — none")

    def _show_problem_count(self) -> None:
        count = self.lints.rowCount()
        errors = self.lints.error_count()
        self.lint_view.setVisible(count > 0)
        if count == 0:
            self.problems.setText(NO_PROBLEMS)
            return
        counts = [_counted(errors, "error"), _counted(count - errors, "warning")]
        shown = " and ".join(text for text in counts if text)
        self.problems.setText(f"Problems: {shown} — click one to jump to it")


def _counted(count: int, noun: str) -> str:
    """`2 errors`, `1 warning`, or nothing for none."""
    if count == 0:
        return ""
    return f"{count} {noun}{'' if count == 1 else 's'}"
