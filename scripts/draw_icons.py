"""Draws the app icon (assets/icon.svg: an indigo tile with a white check) as the PNG and ICO files in assets/.

Run from the repository root: `.venv/bin/python scripts/draw_icons.py`."""

from PIL import Image, ImageDraw

INDIGO, WHITE = (62, 99, 221, 255), (255, 255, 255, 255)


def icon(size, rounded=True):
    scale = 8
    big = size * scale
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    u = big / 64
    if rounded:
        d.rounded_rectangle([0, 0, big - 1, big - 1], radius=14 * u, fill=INDIGO)
    else:
        d.rectangle([0, 0, big, big], fill=INDIGO)
    pts = [(17 * u, 33.5 * u), (27.5 * u, 44 * u), (47 * u, 22 * u)]
    w = int(7 * u)
    d.line(pts, fill=WHITE, width=w, joint="curve")
    for x, y in (pts[0], pts[2]):
        d.ellipse([x - w / 2, y - w / 2, x + w / 2, y + w / 2], fill=WHITE)
    return img.resize((size, size), Image.LANCZOS)


icon(192).save("assets/icon-192.png", optimize=True)
icon(512).save("assets/icon-512.png", optimize=True)
icon(180, rounded=False).convert("RGB").save("assets/apple-touch-icon.png", optimize=True)  # iOS rounds it itself
icon(256).save("assets/favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
