"""Errors a user can cause or meet, each with a message in Chinese that says what to do.

Every layer raises these (or subclasses); the CLI prints ``message`` on one line and exits 2,
the GUI shows it in a dialog. Anything else is a bug: logged in full, shown as a short apology.
"""

from __future__ import annotations


class RiskmonError(Exception):
    """Base class: ``message`` is the Chinese text shown to the user."""

    exit_code = 2

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(RiskmonError):
    """Input was rejected before anything was written.

    ``errors`` maps a field name to its message, so a form can mark every bad field at once.
    """

    def __init__(self, message: str | dict[str, str], *, field: str | None = None) -> None:
        if isinstance(message, dict):
            self.errors = dict(message)
            text = "；".join(self.errors.values())
        else:
            self.errors = {field: message} if field else {}
            text = message
        super().__init__(text, field=field)


class NotFoundError(RiskmonError):
    """A record the user asked for does not exist (any more)."""


class PermissionDenied(RiskmonError):
    """The current user's roles do not allow the action."""


class ConflictError(RiskmonError):
    """Someone else changed the record since it was read (optimistic version check)."""

    def __init__(self, message: str = "该记录已被其他用户修改，请刷新后重新操作。", **kw) -> None:
        super().__init__(message, **kw)


class DatabaseError(RiskmonError):
    """The database cannot be opened, reached, or is at a schema this program does not know."""


class AlreadyRunningError(DatabaseError):
    """Another Riskmon window already uses the same SQLite file on this machine."""


class OutputError(RiskmonError):
    """A file could not be written where the user asked (nothing was written there): the target
    is not a regular file, or the file system refused (no permission, disk full, …). ``path`` is
    the file as the user named it."""

    def __init__(self, message: str, *, path: object = None, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.path = path


class CredentialsStoreError(RiskmonError):
    """The OS keyring refused (locked, unavailable); ``message`` says what to do."""
