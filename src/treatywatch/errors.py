"""Errors treatywatch raises, and the exit code each one maps to.

    TreatywatchError
    ├── InputError          exit 2  a document cannot be read (missing, empty, binary, not UTF-8, too big)
    ├── ProblemsError       exit 1  --strict and a document has rows that cannot be read
    ├── NotFoundError       exit 3  no such process in the store
    └── StoreError          exit 4  the store cannot be opened or is from a newer version

Problems inside a readable document (a bad table row) are not exceptions: they are
values (:class:`treatywatch.domain.model.Problem`) kept with the document.
"""

from __future__ import annotations


class TreatywatchError(Exception):
    exit_code = 1


class InputError(TreatywatchError):
    """A document that cannot be read at all; the message names the file (and line)."""

    exit_code = 2


class ProblemsError(TreatywatchError):
    exit_code = 1


class NotFoundError(TreatywatchError):
    exit_code = 3


class StoreError(TreatywatchError):
    exit_code = 4
