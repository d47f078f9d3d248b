"""Hypothesis strategies that damage a valid text file the way people and editors do."""

from __future__ import annotations

from hypothesis import strategies as st

JUNK = st.sampled_from([":", "- ", "  ", "\t", "'", '"', "[", "]", "{", "}", "#", "&a", "*a", "!!python/object", "=",
                        "\ufeff", "\x00", "：", "必要", "2027-02-30", "-1", "99999999999999999999", "null", "~",
                        "\n", "\r\n", "é", "\U0001f600", "yes", "[[holidays]]", "年"])
TEXT = st.one_of(JUNK, st.text(max_size=12))


@st.composite
def mutated(draw, text: str) -> str:
    """``text`` with 1–3 random edits (delete/duplicate/swap lines, insert, replace, truncate, re-indent)."""
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace", "truncate", "indent"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "    ", "\t"])) + lines[i].lstrip()
        else:
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            if op == "insert":
                lines[i] = line[:at] + draw(TEXT) + line[at:]
            elif op == "replace":
                lines[i] = line[:at] + draw(TEXT) + line[at + draw(st.integers(0, 8)):]
            else:
                lines = lines[:i] + [line[:at]]
        text = "\n".join(lines)
    return text
