"""Read a document from disk safely: a regular file, bounded in size, UTF-8, not binary."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from treatywatch.errors import InputError

# Articles are tens of kilobytes; anything past this is not one (and must not hang us).
MAX_BYTES = 10 * 1024 * 1024
_CHUNK = 1024 * 1024

# What a path is when it is not a regular file, for the message that refuses it.
_KINDS = (
    (stat.S_ISDIR, "is a directory, not a document"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not a regular file"),
    (stat.S_ISCHR, "is a character device, not a regular file"),
    (stat.S_ISBLK, "is a block device, not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
)
_ERRNO = {
    errno.ENOENT: "no such file",
    errno.ENOTDIR: "no such file (a part of the path is not a directory)",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "is a directory, not a document",
    errno.ELOOP: "too many levels of symbolic links (a symlink loop?)",
    errno.ENAMETOOLONG: "file name too long",
}


def shown(path: str | Path) -> str:
    """A path as one printable line of UTF-8: bytes that are not UTF-8 (a Latin-1 name on
    Linux) and control characters (a newline, an escape) are written as escapes, so a file
    name can be stored, printed, and cannot break a message in two or drive the terminal."""
    s = str(path)
    if s.isprintable():
        return s
    try:
        s = s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that no file system gave us
        s = s.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in s)


# The installed package's folder: files under it are bundled ones, named inside the package.
_PACKAGE = Path(__file__).resolve().parent.parent


def given_name(path: str | Path) -> str:
    """The name to store and show for a document: the path as the user gave it, but never a
    path of this machine: an absolute path becomes its file name, a bundled file its name
    inside the package (``montenegro-nato-relations.txt``, ``rounds/nato-2024-sweden.csv``);
    a URL stays as it is."""
    s = shown(path)
    if "://" in s:
        return s
    posix, windows = PurePosixPath(s), PureWindowsPath(s)
    if not (posix.is_absolute() or windows.is_absolute()):
        return s
    for parent in (_PACKAGE, Path(os.path.realpath(_PACKAGE))):
        try:
            inside = PurePath(s).relative_to(parent)
        except ValueError:
            continue
        if len(inside.parts) > 1:  # drop the folder it is bundled in (examples/, data/)
            return PurePosixPath(*inside.parts[1:]).as_posix()
    return (windows if windows.is_absolute() and not posix.is_absolute() else posix).name or s


def _refuse_unless_regular(name: str, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    reason = next((why for test, why in _KINDS if test(mode)), "is not a regular file")
    raise InputError(f"{name}: {reason}")


def read_bytes(p: Path, name: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes, at most ``max_bytes``; refuses anything but a regular file before
    and after opening it (a FIFO, a device, a directory); ``name`` is how errors name it."""
    try:
        _refuse_unless_regular(name, os.stat(p).st_mode)
        # O_NONBLOCK: should the path become a FIFO between the stat and the open, opening
        # it returns at once instead of waiting for a writer; the fstat below then refuses it.
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
        fd = os.open(p, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise InputError(
            f"{name}: {_ERRNO.get(e.errno or 0, f'cannot open: {e.strerror}')}"
        ) from None
    except ValueError:  # a NUL byte or an unencodable character in the name
        raise InputError(f"{name}: not a valid file name") from None
    try:
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            _refuse_unless_regular(name, st.st_mode)
            if st.st_size > max_bytes:
                raise InputError(
                    f"{name}: file is {st.st_size / 1e6:.1f} MB; documents are limited to "
                    f"{max_bytes / 1e6:.0f} MB"
                )
            chunks: list[bytes] = []
            total = 0
            while chunk := f.read(_CHUNK):
                total += len(chunk)
                if total > max_bytes:  # the file grew while we read it
                    raise InputError(f"{name}: more than {max_bytes / 1e6:.0f} MB; refused")
                chunks.append(chunk)
    except OSError as e:
        raise InputError(f"{name}: cannot read: {e.strerror or e}") from None
    return b"".join(chunks)


def read_document(path: str | Path, max_bytes: int = MAX_BYTES) -> tuple[str, str]:
    """Return (text, sha256 of the text) or raise InputError naming the file."""
    p = Path(path)
    name = shown(p)
    text = decode_text(read_bytes(p, name, max_bytes), name)
    return text, text_sha(text)


def decode_text(data: bytes, name: str) -> str:
    """A document's bytes as text: not empty, no NUL, UTF-8 (a BOM dropped), ``\n`` line
    ends; or an InputError naming ``name`` and the line."""
    if not data.strip():
        raise InputError(f"{name}: empty file")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError(f"{name}:{line}: binary file (NUL byte); expected UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(
            f"{name}:{line}: not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})"
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def text_sha(text: str) -> str:
    """The SHA-256 of a document's text (as UTF-8): the document's identity in the store."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
