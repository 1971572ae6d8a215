"""Read a document from disk safely: bounded in size, UTF-8, not binary."""

from __future__ import annotations

import hashlib
from pathlib import Path

from treatywatch.errors import InputError

# Articles are tens of kilobytes; anything past this is not one (and must not hang us).
MAX_BYTES = 10 * 1024 * 1024
_CHUNK = 1024 * 1024


def read_document(path: str | Path, max_bytes: int = MAX_BYTES) -> tuple[str, str]:
    """Return (text, sha256 of the text) or raise InputError naming the file."""
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(f"{p}: is a directory, not a document")
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{p}: file is {size / 1e6:.1f} MB; documents are limited to {max_bytes / 1e6:.0f} MB"
            )
        chunks: list[bytes] = []
        total = 0
        with p.open("rb") as f:
            while chunk := f.read(_CHUNK):
                total += len(chunk)
                if total > max_bytes:  # the file grew, or is a pipe
                    raise InputError(f"{p}: more than {max_bytes / 1e6:.0f} MB; refused")
                chunks.append(chunk)
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except PermissionError:
        raise InputError(f"{p}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, not a document") from None
    data = b"".join(chunks)
    if not data.strip():
        raise InputError(f"{p}: empty file")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError(f"{p}:{line}: binary file (NUL byte); expected UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(
            f"{p}:{line}: not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})"
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()
