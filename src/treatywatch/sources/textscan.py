r"""Small text scans the prose readers share, each linear in the text's length.

They replace regular expressions that were correct but backtracked: a pattern anchored at
the end of a text (``\s+$``), or one that scans ahead from every occurrence of a word
(``\bdeposit\w*\b[^.]*\binstrument``), retries at every position of a long run and
costs the square (or the cube) of the text's length. Each function says which expression
it answers for; ``tests/test_linear.py`` checks that both give the same answers.
"""

from __future__ import annotations

import re


def space_before(text: str, end: int) -> int:
    r"""Where the run of whitespace (``\s``) that ends at ``end`` starts."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def starts_word(text: str, i: int) -> bool:
    r"""``\b`` at ``i`` before a word character: ``i`` is 0 or follows a non-word character."""
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")


def followed_in_sentence(
    text: str, first: re.Pattern[str], then: re.Pattern[str], stop: str = "."
) -> bool:
    r"""``first`` and, after it, ``then``, with no ``stop`` between them: what
    ``re.search(first + "[^.]*" + then, text)`` answers (``stop`` "\n" for ``.*``).

    Neither pattern may match ``stop`` itself. In each stretch between two stops, only the
    first ``first`` matters: any later one has fewer places for ``then`` after it.
    """
    start, n = 0, len(text)
    while start <= n:
        end = text.find(stop, start)
        end = n if end < 0 else end
        m = first.search(text, start, end)
        if m is not None and then.search(text, m.end(), end) is not None:
            return True
        start = end + 1
    return False


def strip_last_word(text: str, words: tuple[str, ...]) -> str:
    r"""``text`` without a last word among ``words`` and the whitespace before it: what
    ``re.sub(r"\s+(?:of|for)$", "", text)`` gives (``words`` ("of", "for")); like ``$``, the
    end may be before a final newline."""
    body, newline = (text[:-1], "\n") if text.endswith("\n") else (text, "")
    for w in words:
        if body.endswith(w):
            i = space_before(body, len(body) - len(w))
            if i < len(body) - len(w):
                return body[:i] + newline
    return text
