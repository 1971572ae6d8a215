"""Errors treatywatch raises, and the exit code each one maps to.

    TreatywatchError
    ├── InputError          exit 2  a document cannot be read (missing, empty, binary, not UTF-8, too big)
    │   ├── PackageError    exit 2  a data package does not validate (every problem listed)
    │   ├── FetchError      exit 2  an article cannot be fetched from Wikipedia (offline, missing, refused)
    │   └── PlaceError      exit 2  a place the command line names cannot be used (no such folder for -o or --db)
    ├── ProblemsError       exit 1  --strict and a document has rows that cannot be read
    ├── NotFoundError       exit 3  no such process in the store
    └── StoreError          exit 4  the store cannot be opened, is from a newer version, or failed
        └── StoreBusyError  exit 5  another writer held the store past the lock timeout

Anything else that escapes is a bug: the CLI prints one line asking for a report and
exits with 70 (``INTERNAL_ERROR_EXIT``, sysexits' EX_SOFTWARE), never 1.

Problems inside a readable document (a bad table row) are not exceptions: they are
values (:class:`treatywatch.domain.model.Problem`) kept with the document.
"""

from __future__ import annotations


class TreatywatchError(Exception):
    exit_code = 1


class InputError(TreatywatchError):
    """A document that cannot be read at all; the message names the file (and line)."""

    exit_code = 2


class PackageError(InputError):
    """A data package that does not validate: every problem, one line each ("file:row:
    field: what was expected"), in ``problems``; the message is their count and the first."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"{name}: not a valid data package, {len(problems)} problem(s), nothing imported; "
            f"first: {problems[0]}{more}"
        )


class FetchError(InputError):
    """An article that cannot be fetched from a wiki; the one-line message names it
    (``en:Montenegro–NATO relations: no such article on en.wikipedia.org``)."""


class PlaceError(InputError):
    """A file or store the command line names lies in a folder that does not exist, or
    cannot be written; the one-line message names it and what to do."""


class ProblemsError(TreatywatchError):
    exit_code = 1


class NotFoundError(TreatywatchError):
    exit_code = 3


class StoreError(TreatywatchError):
    exit_code = 4


class StoreBusyError(StoreError):
    """Another writer held the store for longer than the lock timeout."""

    exit_code = 5


# An exception that is none of the above: a bug in treatywatch.
INTERNAL_ERROR_EXIT = 70
