"""The recorder of frames as data (see ``canvas``): an Agg renderer that writes down, in the figure's pixels, what
the moving artists ask it to draw."""

from __future__ import annotations

import numpy as np
from matplotlib.backend_bases import RendererBase
from matplotlib.path import Path
from matplotlib.transforms import Affine2D

from ._glyphs import _CachedGlyphs

_CAPS = {"butt": "butt", "round": "round", "projecting": "square"}


def _css(rgba):
    """A matplotlib RGBA colour as a CSS colour: '#rrggbb', or 'rgba(r,g,b,a)' when not opaque."""
    r, g, b = (int(round(255 * float(v))) for v in rgba[:3])
    alpha = float(rgba[3])
    return f"#{r:02x}{g:02x}{b:02x}" if alpha >= 1 else f"rgba({r},{g},{b},{alpha:.4g})"


#: The keys of an operation that point into the frame's buffer ([offset, length in items]) and their items' bytes.
_OFFSETS = {"v": 2, "at": 2, "c": 1, "p": 1, "d": 1}
#: A long path (Agg's rule: 128 points or more) is simplified to a quarter of a pixel, not to Agg's ninth: 10–35 %
#: fewer points (the race: 3.4 → 2.8 KB a frame); the line moves by under half a pixel where it bends (Agg's ninth:
#: 0.2 px), which the antialiasing hides. (Half a pixel sent 2.4 KB but took the race's comparison with its PNG frame
#: to a 1.8e-3 share of changed pixels, near the browser test's limit of 2e-3.)
_SIMPLIFY_PX = 0.25
_EIGHTHS = np.array([8.0, -8.0])


class _Unsupported(Exception):
    """An artist the canvas cannot draw the way Agg does (a clip path, hatching, a sketch): send PNG frames."""


class _Recorder(_CachedGlyphs):
    """An Agg renderer that records the drawing operations of the artists drawn on it, in canvas pixels
    (origin top left). Text and images are rasterised by Agg itself and recorded as sprites."""

    def __init__(self, width, height, dpi):
        super().__init__(width, height, dpi)
        self.ops, self.blob, self._seen, self._texts, self._drawn = [], bytearray(), {}, {}, {}
        self._sent = {}  # place in the frame → (v0, steps) of the polyline there in the last live frame
        self._styles, self._shapes = {}, {}

    def _update_methods(self):
        super()._update_methods()
        self.draw_markers, self.draw_image = self._markers, self._image
        self.draw_path_collection = self._collection

    def reset(self):
        self.ops, self.blob, self._seen = [], bytearray(), {}

    def record(self, artist):
        """Draw ``artist`` (recording its operations), or repeat what it drew last time if it has not changed since:
        matplotlib marks an artist stale when its data or style change. (Call ``forget`` when the axes move.)"""
        self.blob += b"\0" * (-len(self.blob) % 4)
        base, first = len(self.blob), len(self.ops)
        if artist.stale or artist not in self._drawn:
            self._seen = {}  # the artist's bytes only: its part of the buffer can be repeated alone
            artist.draw(self)
            ops = [{k: [v[0] - base, v[1]] if k in _OFFSETS else v for k, v in op.items()} for op in self.ops[first:]]
            self._drawn[artist] = (ops, bytes(self.blob[base:]))
            return
        ops, data = self._drawn[artist]
        self.blob += data
        self.ops += [{k: [v[0] + base, v[1]] if k in _OFFSETS else v for k, v in op.items()} for op in ops]

    def forget(self):
        self._drawn.clear()
        self._sent = {}

    # -- the buffer ----------------------------------------------------------------------------
    def _put(self, array, dtype):
        """Append ``array`` to the frame's buffer (4-byte aligned; the same bytes only once a frame, e.g. a
        marker's shape); return [offset, length in items]."""
        data = np.ascontiguousarray(array, dtype=dtype)
        raw = data.tobytes()
        if raw not in self._seen:
            self.blob += b"\0" * (-len(self.blob) % 4)
            self._seen[raw] = len(self.blob)
            self.blob += raw
        return [self._seen[raw], int(data.size)]

    def _xy(self, xy, flip=True):
        """Pixel coordinates (origin top left with ``flip``) in eighths of a pixel, as int16: four bytes a point."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        if flip:
            xy = np.column_stack([xy[:, 0], self.height - xy[:, 1]])
        return self._put(np.clip(np.round(xy * 8), -32767, 32767), np.int16)

    def _steps(self, xy):
        """A polyline as its first point (int16, eighths of a pixel) and the steps between points as int8: two
        bytes a point. Points that stay in the same eighth of a pixel are left out; a step longer than 127/8 px
        is split into collinear parts. Returns ``{"v0": [x, y], "d": [offset, length]}``."""
        q = np.rint(xy * _EIGHTHS + [0.0, 8.0 * self.height])
        np.clip(q, -32767, 32767, out=q)
        q = q.astype(np.int64)
        steps = q[1:] - q[:-1]
        steps = steps[(steps[:, 0] != 0) | (steps[:, 1] != 0)]  # (column by column: a row reduction is slow)
        size = np.maximum(np.abs(steps[:, 0]), np.abs(steps[:, 1]))
        if len(steps) and size.max() > 127:  # split: k equal integer parts whose sum is the step
            parts = np.maximum(1, -(-size // 127))
            index = np.repeat(np.arange(len(steps)), parts)
            k = np.arange(len(index)) - np.repeat(np.cumsum(parts) - parts, parts)
            n = parts[index][:, None]
            steps = (steps[index] * (k[:, None] + 1)) // n - (steps[index] * k[:, None]) // n
        return {"v0": [int(q[0, 0]), int(q[0, 1])], "d": self._put(steps, np.int8)}

    # -- graphics context ----------------------------------------------------------------------
    def _style(self, gc, rgbFace):
        if gc.get_clip_path()[0] is not None or gc.get_hatch() is not None or gc.get_sketch_params() is not None:
            raise _Unsupported("clip path, hatch or sketch")
        clip = gc.get_clip_rectangle()
        key = (gc.get_linewidth(), gc.get_joinstyle(), gc.get_capstyle(), tuple(gc.get_rgb()), gc.get_alpha(),
               gc.get_forced_alpha(), None if rgbFace is None else tuple(rgbFace), gc.get_dashes()[0],
               tuple(gc.get_dashes()[1] or ()), None if clip is None else tuple(clip.extents))
        if key not in self._styles:  # the same few styles, frame after frame
            self._styles = self._styles if len(self._styles) < 256 else {}
            self._styles[key] = self._new_style(gc, rgbFace)
        return dict(self._styles[key])

    def _new_style(self, gc, rgbFace):
        style = {"lw": self.points_to_pixels(gc.get_linewidth()), "join": gc.get_joinstyle(),
                 "cap": _CAPS[gc.get_capstyle()]}
        if style["join"] == "round":
            del style["join"]  # the front end's default
        if style["cap"] == "butt":
            del style["cap"]
        rgb = gc.get_rgb()
        style["stroke"] = _css(rgb) if style["lw"] > 0 and rgb[3] > 0 else None
        if rgbFace is not None:
            alpha = gc.get_alpha() if gc.get_forced_alpha() or len(rgbFace) == 3 else rgbFace[3]
            style["fill"] = _css([*rgbFace[:3], alpha])
        offset, dashes = gc.get_dashes()
        if dashes is not None and len(dashes):
            style["dash"] = [round(float(self.points_to_pixels(d)), 3) for d in dashes]
            if offset:
                style["dashOffset"] = round(float(self.points_to_pixels(offset)), 3)
        style["lw"] = round(float(style["lw"]), 3)
        clip = gc.get_clip_rectangle()
        if clip is not None:  # Agg rounds the clip box to whole pixels
            x0, y0, x1, y1 = (float(np.round(v)) for v in clip.extents)
            style["clip"] = [int(x0), int(self.height - y1), int(x1), int(self.height - y0)]
        return style

    def _shape(self, path, transform, gc, rgbFace, clip_to=None):
        """[vertices offset, count] and [codes offset, count] (or None: all line-to) of a cleaned path."""
        lw = self.points_to_pixels(gc.get_linewidth())
        # Agg's own cleaning (NaNs, the figure's edges, snapping) and simplification of long lines, which keeps the
        # corners of a noisy curve and the phase of a dashed one; to _SIMPLIFY_PX (a copy: Agg keeps its own)
        simplify = path.should_simplify and rgbFace is None
        if simplify:
            path = Path(path.vertices, path.codes)
            path.simplify_threshold = _SIMPLIFY_PX
        cleaned = path.cleaned(transform=transform, remove_nans=True, clip=clip_to, snap=gc.get_snap(),
                               stroke_width=lw, simplify=simplify, curves=True)
        codes = cleaned.codes[:-1]  # without the closing STOP
        vertices = cleaned.vertices[:-1]
        plain = len(codes) == 0 or (codes[0] == Path.MOVETO and np.all(codes[1:] == Path.LINETO))
        return vertices, (None if plain else codes)

    def draw_path(self, gc, path, transform, rgbFace=None):
        style = self._style(gc, rgbFace)
        if style["stroke"] is None and "fill" not in style:
            return
        # Agg cuts unfilled paths at the figure's edges (one pixel out), not at the clip box, which masks the pixels:
        # a dashed line that leaves the axes and comes back keeps its dash phase
        clip_to = (-1.0, -1.0, self.width + 1.0, self.height + 1.0) if rgbFace is None else None
        vertices, codes = self._shape(path, transform, gc, rgbFace, clip_to)
        if len(vertices) == 0:
            return
        if codes is None:
            op = {"k": "path", **self._steps(vertices), **style}
        else:
            op = {"k": "path", "v": self._xy(vertices), "c": self._put(codes, np.uint8), **style}
        self.ops.append(op)

    def _markers(self, gc, marker_path, marker_trans, path, trans, rgbFace=None):
        style = self._style(gc, rgbFace)
        if style["stroke"] is None and "fill" not in style:
            return
        codes = marker_path.codes
        key = (marker_path.vertices.tobytes(), None if codes is None else codes.tobytes(),
               marker_trans.get_matrix().tobytes(), style["lw"], gc.get_snap(), rgbFace is None)
        if key not in self._shapes:  # a marker's shape: the same from frame to frame
            self._shapes = self._shapes if len(self._shapes) < 64 else {}
            self._shapes[key] = self._shape(marker_path, marker_trans, gc, rgbFace)
        vertices, codes = self._shapes[key]
        positions = trans.transform(path.vertices)
        positions = positions[np.isfinite(positions).all(axis=1)]
        if len(positions) == 0 or len(vertices) == 0:
            return
        # Agg puts each marker at the centre of a pixel: (floor(x + 0.5), floor(height − y + 0.5)) + 0.5
        positions[:, 1] = self.height - positions[:, 1]
        shape = np.column_stack([vertices[:, 0], -vertices[:, 1]])
        at = self._xy(np.floor(positions + 0.5) + 0.5, flip=False)
        op = {"k": "markers", "v": self._xy(shape, flip=False), "at": at, **style}
        if codes is not None:
            op["c"] = self._put(codes, np.uint8)
        self.ops.append(op)

    def _collection(self, gc, master_transform, paths, all_transforms, offsets, offset_trans, facecolors,
                    edgecolors, linewidths, linestyles, antialiaseds, urls, offset_position):
        """A scatter of one shape in one style is one markers operation; anything else is drawn path by path."""
        if (len(paths) == 1 and len(all_transforms) <= 1 and len(facecolors) <= 1 and len(edgecolors) <= 1
                and len(linewidths) <= 1 and len(offsets)):
            shape = Affine2D(all_transforms[0]) if len(all_transforms) else Affine2D()
            if len(edgecolors):
                gc.set_foreground(edgecolors[0], isRGBA=True)
            if len(linewidths):
                gc.set_linewidth(linewidths[0])
            face = facecolors[0] if len(facecolors) else None
            self._markers(gc, paths[0], shape, Path(offsets), offset_trans, face)
            return
        RendererBase.draw_path_collection(self, gc, master_transform, paths, all_transforms, offsets, offset_trans,
                                          facecolors, edgecolors, linewidths, linestyles, antialiaseds, urls,
                                          offset_position)

    def _pixels(self, rgba):
        """{"p": [offset, length], "ch": channels} of RGBA pixels, sent with fewer channels where that loses
        nothing: 1 (grey, opaque), 3 (opaque), or "mask" (one colour, varying alpha: text) with its colour."""
        rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
        opaque = bool((rgba[..., 3] == 255).all())
        if opaque and (rgba[..., 0] == rgba[..., 1]).all() and (rgba[..., 1] == rgba[..., 2]).all():
            return {"p": self._put(rgba[..., 0], np.uint8), "ch": 1}
        if opaque:
            return {"p": self._put(rgba[..., :3], np.uint8), "ch": 3}
        seen = rgba[rgba[..., 3] > 0, :3]
        if len(seen) and (seen == seen[0]).all():
            return {"p": self._put(rgba[..., 3], np.uint8), "ch": "mask", "color": _css([*seen[0] / 255, 1])}
        return {"p": self._put(rgba, np.uint8), "ch": 4}

    def _sprite(self, rgba, left, top):
        height, width = rgba.shape[:2]
        self.ops.append({"k": "pixels", "x": int(left), "y": int(top), "w": int(width), "h": int(height),
                         **self._pixels(rgba)})

    def _image(self, gc, x, y, im, transform=None):
        if transform is not None:
            raise _Unsupported("an image with a transform")
        im = np.asarray(im)
        self._sprite(im[::-1], x, self.height - y - im.shape[0])  # Agg takes image rows bottom first

    def draw_grid(self, box, rgba):
        """An RGBA grid stretched nearest-neighbour over the pixel box (x0, y0, width, height) (row 0 at the bottom),
        as :class:`helpers.demos.backprop.GridImage` draws it: sent at its own size, scaled by the browser."""
        x0, y0, width, height = box
        rows, cols = rgba.shape[:2]
        self.ops.append({"k": "grid", "x": int(x0), "y": int(self.height - y0 - height), "w": int(width),
                         "h": int(height), "rows": int(rows), "cols": int(cols), **self._pixels(rgba)})

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        """Agg draws the text on the (clear) buffer; its pixels are sent as a sprite, and cleared again. The same
        text in the same place and style is drawn once (the last few are kept)."""
        key = (s, round(x, 3), round(y, 3), angle, ismath, hash(prop), tuple(gc.get_rgb()), gc.get_alpha())
        if key not in self._texts:
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            pixels = np.asarray(self.buffer_rgba())
            first = 0
            if mtext is not None:  # look for the pixels near the text's box only (4 px around it)
                box = mtext.get_window_extent(self)
                first = max(0, int(self.height - box.y1) - 4)
                pixels = pixels[first:max(first, int(self.height - box.y0) + 5)]
            rows = np.flatnonzero(pixels[..., 3].any(axis=1))  # where Agg drew (the rest of the buffer is clear)
            cols = np.flatnonzero(pixels[rows[0]:rows[-1] + 1, :, 3].any(axis=0)) if len(rows) else []
            sprite = None
            if len(rows):
                top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
                pixels, top, bottom = np.asarray(self.buffer_rgba()), top + first, bottom + first
                sprite = (pixels[top:bottom, left:right].copy(), left, top)
                pixels[top:bottom, left:right] = 0
            self._texts[key] = sprite
            while len(self._texts) > 64:
                self._texts.pop(next(iter(self._texts)))
        if self._texts[key] is not None:
            self._sprite(*self._texts[key])
