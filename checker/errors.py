"""Errors a user can act on: the CLI prints them as one line and exits 2."""


class UserError(Exception):
    """Bad usage or unusable input; never shown with a traceback."""

    exit_code = 2


class SourceError(UserError):
    """A single source could not be read; the rest of the corpus still runs."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
