"""DFIRe Desktop: the webhook hub of a DFIR case manager."""

__version__ = "0.1.0"
