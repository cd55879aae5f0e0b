"""Draw the cdassess application icon and write it as PNG, ICO (Windows) and ICNS (macOS).

    python packaging/make_icons.py [OUTPUT_DIR]     (default: resources/icons)

The picture: five rising bars (maturity levels 1-5) on a blue rounded square, the top level in green.
It is drawn once at 1024 px and scaled down with a good filter, so every size stays crisp. Needs Pillow.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "resources" / "icons"
NAME = "cdassess"
MASTER = 1024
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]

TOP = (31, 78, 140)  # the gradient of the rounded square, top to bottom
BOTTOM = (47, 115, 196)
BAR = (255, 255, 255)
ACCENT = (76, 175, 80)


def draw(size: int = MASTER) -> Any:
    """The icon as an RGBA Pillow image of ``size`` x ``size`` pixels."""
    from PIL import Image, ImageDraw

    scale = 4 if size < MASTER else 1  # supersample small renderings
    s = size * scale
    gradient = Image.new("RGBA", (s, s))
    gd = ImageDraw.Draw(gradient)
    for y in range(s):
        t = y / max(1, s - 1)
        gd.line([(0, y), (s, y)], fill=(*(round(a + (b - a) * t) for a, b in zip(TOP, BOTTOM, strict=True)), 255))
    mask = Image.new("L", (s, s), 0)
    margin = round(s * 0.06)
    ImageDraw.Draw(mask).rounded_rectangle([margin, margin, s - margin, s - margin], radius=round(s * 0.2),
                                           fill=255)
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    img.paste(gradient, (0, 0), mask)
    d = ImageDraw.Draw(img)
    left, right, base = s * 0.2, s * 0.8, s * 0.78
    gap = s * 0.035
    width = (right - left - 4 * gap) / 5
    for i in range(5):
        x0 = left + i * (width + gap)
        height = s * (0.12 + 0.095 * i)
        d.rounded_rectangle([x0, base - height, x0 + width, base], radius=round(width * 0.18),
                            fill=(*(ACCENT if i == 4 else BAR), 255))
    d.rounded_rectangle([left - gap, base + s * 0.03, right + gap, base + s * 0.055], radius=round(s * 0.012),
                        fill=(*BAR, 200))
    return img.resize((size, size), Image.Resampling.LANCZOS) if scale != 1 else img


def write_icons(out_dir: Path = DEFAULT_DIR) -> list[Path]:
    """Write cdassess.png (512 px), cdassess.ico and cdassess.icns into ``out_dir``; return their paths."""
    from PIL import Image

    out_dir.mkdir(parents=True, exist_ok=True)
    master = draw(MASTER)
    png = out_dir / f"{NAME}.png"
    master.resize((512, 512), Image.Resampling.LANCZOS).save(png, optimize=True)
    ico = out_dir / f"{NAME}.ico"
    master.save(ico, sizes=ICO_SIZES)
    icns = out_dir / f"{NAME}.icns"
    master.save(icns)
    return [png, ico, icns]


def main(argv: list[str]) -> int:
    try:
        import PIL  # noqa: F401
    except ImportError:
        print("make_icons: Pillow is needed to draw the icon: pip install pillow", file=sys.stderr)
        return 1
    out = Path(argv[0]) if argv else DEFAULT_DIR
    for p in write_icons(out):
        print(f"wrote {p} ({p.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
