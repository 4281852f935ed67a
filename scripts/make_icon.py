"""Draw HubRelay's brand icon (a hub relaying to three nodes) as a 256x256 PNG.

Pure standard library, deterministic output: shapes are signed-distance functions and each
pixel's coverage is the analytic anti-aliasing `clamp(0.5 - distance)`.

Usage: python scripts/make_icon.py [--output custom_components/hubrelay/brand/icon.png]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
import math
from pathlib import Path
import struct
import zlib

SIZE = 256
CENTER = SIZE / 2
DEFAULT_OUTPUT = (
    Path(__file__).resolve().parent.parent / "custom_components/hubrelay/brand/icon.png"
)

type Rgb = tuple[float, float, float]
type Sdf = Callable[[float, float], float]

TILE_FROM: Rgb = (0x15, 0x65, 0xC0)  # deep blue, top left
TILE_TO: Rgb = (0x00, 0xAC, 0xC1)  # teal, bottom right
WHITE: Rgb = (255, 255, 255)

NODE_ORBIT = 66.0
NODE_ANGLES = (-90.0, 30.0, 150.0)
NODES = [
    (
        CENTER + NODE_ORBIT * math.cos(math.radians(a)),
        CENTER + NODE_ORBIT * math.sin(math.radians(a)),
    )
    for a in NODE_ANGLES
]


def rounded_square(half: float, radius: float) -> Sdf:
    """Signed distance to a square centred on the canvas with rounded corners."""

    def sdf(x: float, y: float) -> float:
        qx = abs(x - CENTER) - (half - radius)
        qy = abs(y - CENTER) - (half - radius)
        outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
        return outside + min(max(qx, qy), 0.0) - radius

    return sdf


def circle(cx: float, cy: float, r: float) -> Sdf:
    """Signed distance to a disc."""
    return lambda x, y: math.hypot(x - cx, y - cy) - r


def segment(ax: float, ay: float, bx: float, by: float, width: float) -> Sdf:
    """Signed distance to a line segment with round caps."""
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy

    def sdf(x: float, y: float) -> float:
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length2))
        return math.hypot(x - (ax + t * dx), y - (ay + t * dy)) - width / 2

    return sdf


def union(*shapes: Sdf) -> Sdf:
    """Signed distance to the union of shapes."""
    return lambda x, y: min(s(x, y) for s in shapes)


def coverage(distance: float) -> float:
    """Fraction of a pixel covered by a shape whose edge lies `distance` away."""
    return max(0.0, min(1.0, 0.5 - distance))


def tile_colour(x: float, y: float) -> Rgb:
    """Diagonal gradient of the background tile."""
    t = (x + y) / (2 * SIZE)
    return (
        TILE_FROM[0] + (TILE_TO[0] - TILE_FROM[0]) * t,
        TILE_FROM[1] + (TILE_TO[1] - TILE_FROM[1]) * t,
        TILE_FROM[2] + (TILE_TO[2] - TILE_FROM[2]) * t,
    )


def render() -> bytes:
    """Return the icon as raw RGBA rows, each prefixed with PNG filter byte 0."""
    tile = rounded_square(half=120, radius=52)
    links = union(*(segment(CENTER, CENTER, nx, ny, 12) for nx, ny in NODES))
    rings = union(circle(CENTER, CENTER, 36), *(circle(nx, ny, 24) for nx, ny in NODES))
    holes = union(circle(CENTER, CENTER, 20), *(circle(nx, ny, 10) for nx, ny in NODES))

    rows = bytearray()
    for py in range(SIZE):
        rows.append(0)
        for px in range(SIZE):
            x, y = px + 0.5, py + 0.5
            alpha = coverage(tile(x, y))
            if alpha == 0.0:
                rows.extend((0, 0, 0, 0))
                continue
            base = tile_colour(x, y)
            white = max(coverage(links(x, y)), coverage(rings(x, y)))
            white *= 1.0 - coverage(holes(x, y))
            rgb = [b + (w - b) * white for b, w in zip(base, WHITE, strict=True)]
            rows.extend((*(round(c) for c in rgb), round(alpha * 255)))
    return bytes(rows)


def png(width: int, height: int, raw_rows: bytes) -> bytes:
    """Encode raw filtered RGBA rows as a PNG file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw_rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    """Write the icon."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(png(SIZE, SIZE, render()))


if __name__ == "__main__":
    main()
