"""Pieces every editing dialog shares: field error labels and field widgets."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFontDatabase, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dfire_desktop.engine.errors import InvalidInputError
from dfire_desktop.ui.errors import describe
from dfire_desktop.ui.long_text import breakable

KEEP_PLACEHOLDER = "set — leave blank to keep"


class FormErrors:
    """Red error lines under fields, keyed by the engine's field names.

    An error for a field with no label of its own goes to the general line
    at the top of the form, prefixed with the field's name.
    """

    def __init__(self, general: QLabel) -> None:
        self._general = general
        self._labels: dict[str, QLabel] = {}
        _style_error(general)
        general.hide()

    def label_for(self, field: str, *aliases: str) -> QLabel:
        """A hidden error label for `field`; place it under the field."""
        label = QLabel()
        _style_error(label)
        label.hide()
        for name in (field, *aliases):
            self._labels[name] = label
        return label

    def field(self, widget: QWidget, name: str, *aliases: str) -> QWidget:
        """`widget` with its error line under it, for one form row.

        Kept in one row so a hidden error line takes no room.
        """
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(self.label_for(name, *aliases))
        return box

    def clear(self) -> None:
        for label in (self._general, *self._labels.values()):
            label.clear()
            label.hide()

    def show_field(self, field: str, message: str) -> None:
        label = self._labels.get(field) or self._labels.get(field.split(".")[0])
        if label is None:
            self.show_general(f"{field.replace('_', ' ')}: {message}")
            return
        label.setText(breakable(message))
        label.show()
        # The field may be scrolled out of sight: say so where the eye is.
        self._general.setText("Not saved: fix what is marked in red below.")
        self._general.show()

    def show_general(self, message: str) -> None:
        self._general.setText(breakable(message))
        self._general.show()

    def shown_label(self) -> QLabel | None:
        """The first field error on show, to scroll it into view."""
        return next((lbl for lbl in self._labels.values() if not lbl.isHidden()), None)

    def show_error(self, error: object) -> None:
        """Put an engine error next to its field, or on the general line."""
        if isinstance(error, InvalidInputError) and error.field:
            self.show_field(error.field, describe(error))
        else:
            self.show_general(describe(error))


def _style_error(label: QLabel) -> None:
    label.setObjectName("fieldError")
    label.setWordWrap(True)


def enter_clicks(dialog: QDialog, primary: QPushButton | None) -> None:
    """Make Enter in `dialog` click `primary`, or nothing when it is None.

    A QDialog makes an auto-default push button its default when it takes
    focus, or when no default is known as the dialog is shown; Enter in a
    text field then clicks whichever came first, "Select all" say. Call
    this once every button is in the dialog: a button given setDefault
    before it had the dialog as window is forgotten at show time.
    """
    _forget_defaults(dialog)
    if primary is not None:
        primary.setDefault(True)
    else:
        dialog.installEventFilter(_NoEnterButton(dialog))


def _forget_defaults(dialog: QDialog) -> None:
    for button in dialog.findChildren(QPushButton):
        button.setAutoDefault(False)
        button.setDefault(False)


class _NoEnterButton(QObject):
    """For a dialog where Enter must click nothing.

    A QDialogButtonBox makes its first accept button the default each time
    it is shown, so the defaults are forgotten again once the dialog is
    shown, and an Enter that reaches the dialog is dropped.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog):
            _forget_defaults(watched)
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        return False


def notes_field(placeholder: str, height: int) -> QPlainTextEdit:
    """A short multi-line form field; Tab moves on, as from any other field."""
    editor = QPlainTextEdit()
    editor.setPlaceholderText(placeholder)
    editor.setFixedHeight(height)
    editor.setTabChangesFocus(True)
    return editor


def exact_text(editor: QPlainTextEdit) -> str:
    """The text as typed: toPlainText() turns no-break spaces into plain
    ones, and a payload must keep every character."""
    return editor.document().toRawText().replace("\u2029", "\n")


def as_shown(text: str) -> str:
    """What a Qt text editor makes of `text`: it keeps lines, not line
    endings, so CR LF, CR and U+2029 all come back as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2029", "\n")


def kept_text(editor: QPlainTextEdit, original: str) -> str:
    """The editor's text; `original` itself when the only differences are
    the ones Qt made, so opening and saving changes no character."""
    shown = exact_text(editor)
    return original if shown == as_shown(original) else shown


def monospace(editor: QPlainTextEdit) -> QPlainTextEdit:
    editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    return editor


def password_field(has_value: bool = False) -> QLineEdit:
    """A masked field; for a stored value it says blank keeps it."""
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    if has_value:
        field.setPlaceholderText(KEEP_PLACEHOLDER)
    return field


def hint(text: str) -> QLabel:
    """A small grey explanation under a field."""
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def section_title(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("sectionTitle")
    return label
