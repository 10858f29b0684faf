"""One exception tree; the CLI maps it to the exit codes of docs/commands.md#exit-codes in one place."""

from __future__ import annotations


class HandoffsError(Exception):
    """Something the user can act on. `exit_code` follows docs/commands.md#exit-codes."""

    exit_code = 2
    silent = False  # True: exit with the code but print nothing (refresh --quiet and the lock)


class UsageError(HandoffsError):
    """Bad or missing configuration, or a command used the wrong way (exit 2)."""

    exit_code = 2


class BackendError(HandoffsError):
    """The spreadsheet could not be read or written; nothing was written (exit 3)."""

    exit_code = 3


class LockedError(HandoffsError):
    """Another run holds the lock (exit 4)."""

    exit_code = 4


class PartialFailure(HandoffsError):
    """Done, but part of it could not be done and is named (exit 5): a team spreadsheet a
    roll-up could not read, a notice that could not be delivered (docs/commands.md#exit-codes)."""

    exit_code = 5


class DeliveryError(PartialFailure):
    """Some notices could not be delivered; they are sent again next run."""
