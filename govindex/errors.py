"""The one exception type that every app raises for a failure the caller can act on.

The API turns it into ``{"error": {"code": ..., "message": ...}}`` with its HTTP status; pages
show the message on the error page. Anything else that escapes is a bug and becomes a 500.
"""

from __future__ import annotations


class ApplicationError(Exception):
    """A refused or failed request, explained for the person who made it.

    ``message`` is shown to that person, ``code`` is a stable machine-readable name
    (``snake_case``) and ``status`` is the HTTP status the API answers with.
    """

    def __init__(self, message: str, *, code: str = "application_error", status: int = 400):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status

    def __repr__(self) -> str:
        return f"ApplicationError({self.message!r}, code={self.code!r}, status={self.status})"
