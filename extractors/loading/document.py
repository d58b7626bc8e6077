"""`PolicyText`: what every loader returns, the normalized text with its page map.

The normalized text is the one true text of a document: `policy-pipeline text FILE` prints it and
every evidence offset indexes into it. Pages are kept as the offsets where each page starts.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TextRepair:
    """A repair made while loading: `printed` became `text[start:end]`."""

    kind: str
    printed: str
    start: int
    end: int


@dataclass(frozen=True)
class PolicyText:
    text: str
    media_type: str
    page_starts: tuple[int, ...] = (0,)
    repairs: tuple[TextRepair, ...] = ()
    ocr_pages: tuple[int, ...] = ()
    # (start, end) of running header/footer lines kept once (page 1): printed, but page furniture
    furniture: tuple[tuple[int, int], ...] = ()
    emphasis: tuple[tuple[int, int], ...] = field(default=(), compare=False)
    # (start, end, font size in points) of printed lines (PDF), or of headings (HTML <h1>..<h6> as 24..14):
    # typography, where the loader knows it
    line_sizes: tuple[tuple[int, int, float], ...] = field(default=(), compare=False)

    @property
    def pages(self) -> int:
        return len(self.page_starts)

    def page_of(self, offset: int) -> int:
        """1-based page holding char `offset`."""
        return max(1, bisect_right(self.page_starts, offset))
