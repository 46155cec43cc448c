"""The one base of every failure a user is shown: a message, and the exit code it ends with.

The library raises these; the command line catches `TimelineError` in one place
(`timeline.cli.app`), prints `error: MESSAGE` and exits with `exit_code`. Problems in the
data are not errors: they are `Problem`s, collected and reported together.
"""

from __future__ import annotations


class TimelineError(Exception):
    """A failure the user is shown as one line that says what went wrong and what to do."""

    #: The exit code of a run that ends on this failure: 1, the command could not do its job.
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
