"""Agg's text with the glyphs' bitmaps kept: a new text renders only the glyphs it has not drawn before."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag
from matplotlib.ft2font import RenderMode

#: Glyph bitmaps as FreeType renders them, by font, size, glyph and position within a pixel (in 64ths): a new text
#: renders only glyphs not seen before (07's "61 of 359 wrong, first 36": 1.35 → 0.57 ms); the oldest go past 4,096.
_GLYPHS = {}


class _CachedGlyphs(RendererAgg):
    """An Agg renderer whose text takes each glyph's bitmap from :data:`_GLYPHS` when it is there."""

    def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):
        """Agg's own glyph loop, each glyph's bitmap taken from :data:`_GLYPHS` when it is there: FreeType renders a
        glyph moved by whole pixels as the same bitmap moved, so the pixels are Agg's to the bit (a unit test)."""
        if not gc.get_antialiased():
            return super()._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs, boxes)
        cos, sin, flags = math.cos(math.radians(angle)), math.sin(math.radians(angle)), get_hinting_flag()
        rotation = 0x10000 * np.array([[cos, -sin], [sin, cos]])
        for font, size, index, slant, extend, dx, dy in glyphs:  # as Agg: dy is upwards, and FreeType's y
            px, py = round(0x40 * (x + dx * cos - dy * sin)), round(0x40 * (self.height - y + dx * sin + dy * cos))
            key = (font, size, self.dpi, index, slant, extend, angle, flags, px & 63, py & 63)
            if key not in _GLYPHS:
                font.set_size(size, self.dpi)
                font._set_transform((rotation @ [[extend, extend * slant], [0, 1]]).round().astype(int),
                                    [px & 63, py & 63])
                bitmap = font._render_glyph(index, flags, RenderMode.NORMAL)
                _GLYPHS[key] = (np.array(bitmap.buffer), bitmap.left, bitmap.top)
                if len(_GLYPHS) > 4096:
                    del _GLYPHS[next(iter(_GLYPHS))]
            buffer, left, top = _GLYPHS[key]
            self._renderer.draw_text_image(buffer, left + (px >> 6), int(self.height) - top - (py >> 6) + len(buffer),
                                           0, gc)
        if boxes:  # mathtext's rules
            super()._draw_text_glyphs_and_boxes(gc, x, y, angle, (), boxes)
