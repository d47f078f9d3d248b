"""Chinese text under overlays: keep every character whole.

Textual's compositor cuts each screen line at the left and right edge of every
widget on it, also of widgets hidden under an overlay (the item search's hit
list, a Select's menu, a toast), and renders each piece of the top widget
separately.  A double-width character that straddles such a cut is replaced by
two spaces (``rich.segment.Segment.divide``): ``[事项 370112-WSJK-002]`` showed
as ``[  项 370112-WSJK-002]``, ``护士执业注册`` as ``护士执业  册``.  Textual issue
#6357 (open upstream; the fix below is the one proposed there).

``keep_wide_characters()`` replaces ``Compositor._render_chops`` with a version
that cuts a widget's line only where the widget that shows there changes: the
pieces of one widget that wins several buckets in a row stay one strip (the
buckets after the first get an empty placeholder so that nothing below claims
them).  Applied when ``clerk.tui`` is imported, for the pinned Textual only
(pyproject.toml): another version keeps its own compositor untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import textual
from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

#: The Textual whose ``Compositor._render_chops`` this replaces (pyproject pins it).
PATCHED_TEXTUAL = "8.2.8"

_EMPTY = Strip([], 0)


def _render_chops(self: Compositor, crop: Region,
                  is_rendered_line: Callable[[int], bool]) -> Sequence[Mapping[int, Strip]]:
    """``Compositor._render_chops`` of Textual 8.2.8, cutting a strip only where its widget
    stops being the one on top (see the module doc)."""
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    for region, clip, strips in self._get_renders(crop):  # front to back: the first to fill a bucket wins
        render_region = region.intersection(clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips):
            if not is_rendered_line(y):
                continue
            line = chops[y]
            final_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            if len(final_cuts) < 2:
                continue
            wins = [line.get(cut) is None for cut in final_cuts[:-1]]
            keep = [0] + [i for i in range(1, len(wins)) if wins[i] != wins[i - 1]] + [len(final_cuts) - 1]
            pieces = strip.divide([final_cuts[i] - render_x for i in keep[1:]])
            for start, stop, piece in zip(keep, keep[1:], pieces):
                if not wins[start]:
                    continue
                line[final_cuts[start]] = piece
                for i in range(start + 1, stop):
                    line[final_cuts[i]] = _EMPTY
    return chops  # type: ignore[return-value]  # every bucket of a rendered line is filled


_ORIGINAL = Compositor._render_chops


def keep_wide_characters() -> bool:
    """Install the compositor fix; False when this Textual is not the one it was written for."""
    if textual.__version__ != PATCHED_TEXTUAL:
        return False
    Compositor._render_chops = _render_chops  # type: ignore[method-assign]
    return True


def original_render_chops() -> Callable[..., Sequence[Mapping[int, Strip]]]:
    """Textual's own method (a test shows what it did)."""
    return _ORIGINAL
