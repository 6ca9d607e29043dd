"""PySide6 widgets. They reach the engine only through `ui.bridge`."""
