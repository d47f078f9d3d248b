"""Large ticket numbers for the hall display: a 3×5 block font scaled to the space there is.

Textual's ``Digits`` knows only 0–9 and A–F; queues use any letter (Z 咨询), so the
board draws its own.  A pixel is two cells wide and one high (a terminal cell is
about twice as high as wide), times the largest whole factor that fits.
"""

from __future__ import annotations

from rich.text import Text

from clerk.identity.text import printable

_FONT = {
    "0": "### #.# #.# #.# ###", "1": ".#. ##. .#. .#. ###", "2": "### ..# ### #.. ###",
    "3": "### ..# ### ..# ###", "4": "#.# #.# ### ..# ..#", "5": "### #.. ### ..# ###",
    "6": "### #.. ### #.# ###", "7": "### ..# ..# ..# ..#", "8": "### #.# ### #.# ###",
    "9": "### #.# ### ..# ###", "A": ".#. #.# ### #.# #.#", "B": "##. #.# ##. #.# ##.",
    "C": ".## #.. #.. #.. .##", "D": "##. #.# #.# #.# ##.", "E": "### #.. ##. #.. ###",
    "F": "### #.. ##. #.. #..", "G": ".## #.. #.# #.# .##", "H": "#.# #.# ### #.# #.#",
    "I": "### .#. .#. .#. ###", "J": "..# ..# ..# #.# .#.", "K": "#.# #.# ##. #.# #.#",
    "L": "#.. #.. #.. #.. ###", "M": "#.# ### ### #.# #.#", "N": "##. #.# #.# #.# #.#",
    "O": ".#. #.# #.# #.# .#.", "P": "##. #.# ##. #.. #..", "Q": ".#. #.# #.# ##. .##",
    "R": "##. #.# ##. #.# #.#", "S": ".## #.. .#. ..# ##.", "T": "### .#. .#. .#. .#.",
    "U": "#.# #.# #.# #.# ###", "V": "#.# #.# #.# #.# .#.", "W": "#.# #.# ### ### #.#",
    "X": "#.# #.# .#. #.# #.#", "Y": "#.# #.# .#. .#. .#.", "Z": "### ..# .#. #.. ###",
    "-": "... ... ### ... ...", " ": "... ... ... ... ...",
}
GLYPHS = {char: rows.split() for char, rows in _FONT.items()}
ROWS = 5


def drawable(text: str) -> bool:
    return all(char in GLYPHS for char in text.upper())


def block_lines(text: str, scale: int) -> list[str]:
    """``text`` in the block font, each pixel ``2*scale`` cells wide and ``scale`` rows high."""
    glyphs = [GLYPHS[c] for c in text.upper()]
    out: list[str] = []
    for row in range(ROWS):
        line = " ".join("".join(("██" if px == "#" else "  ") * scale for px in g[row]) for g in glyphs)
        out.extend([line] * scale)
    return out


def block_width(text: str, scale: int) -> int:
    return len(text) * 3 * 2 * scale + max(len(text) - 1, 0)


def big_text(number: str, window: int, sentence: str, width: int, height: int) -> Text:
    """The latest call: ``A012 → 7`` in large blocks when they fit, the sentence under it."""
    label = f"{number} {window}"
    out = Text(justify="center")
    if drawable(label):
        scale = 1
        while block_width(label, scale + 1) <= width - 2 and ROWS * (scale + 1) + 2 <= height:
            scale += 1
        if block_width(label, scale) <= width and ROWS * scale + 1 <= height:
            for line in block_lines(label, scale):
                out.append(line + "\n", style="bold")
    out.append(printable(sentence, 200), style="bold")
    return out
