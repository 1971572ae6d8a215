"""Text from sources and file names, printed as written.

Rich reads a printed string (and a table cell) as markup: a cell holding ``[/b]`` raises
``MarkupError``, a file named ``[red]ok.txt`` prints as a red ``ok.txt``, ``:smile:``
becomes an emoji. A :class:`rich.text.Text` is printed as it is; these build them, with
control characters (an escape sequence, a newline in a file name) shown as escapes.
"""

from __future__ import annotations

import re

from rich.text import Text

# C0 controls but the tab, DEL and C1 controls: they would move the cursor, recolour the
# terminal or break a line.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def _visible(s: str) -> str:
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], s)


def plain(value: object, style: str = "") -> Text:
    """``value`` printed as written, in one style."""
    return Text(_visible(str(value)), style=style)


def line(*parts: object) -> Text:
    """One line of parts, each printed as written: a value, or a (value, style) pair."""
    text = Text()
    for part in parts:
        value, style = part if isinstance(part, tuple) else (part, "")
        text.append(_visible(str(value)), style=str(style))
    return text


def cells(*values: object) -> list[Text]:
    """A table row's cells, printed as written: ``table.add_row(*cells(...))``."""
    return [plain(v) for v in values]
