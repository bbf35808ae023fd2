"""The one exception type a user can cause: it carries a message fit to print as is."""


class CallqError(Exception):
    """A user error: bad input, unknown lead, unusable database. Nothing was changed."""


class NotFound(CallqError):
    """An id that names no row."""


class FieldError(CallqError):
    """Bad input in one named field; the message names the field."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
