"""Lay PNG pages side by side in one picture, to look at a whole PDF at once.

Usage: python tools/contact_sheet.py OUT.png PAGE.png [PAGE.png ...]
(make the pages with: pdftoppm -png -r 40 file.pdf page)
"""

import sys

from PIL import Image


def contact_sheet(target: str, pages: list[str], columns: int = 6) -> None:
    images = [Image.open(page).convert("RGB") for page in pages]
    width = max(image.width for image in images)
    height = max(image.height for image in images)
    rows = (len(images) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * (width + 8), rows * (height + 8)), "#888")
    for index, image in enumerate(images):
        sheet.paste(image, ((index % columns) * (width + 8), (index // columns) * (height + 8)))
    sheet.save(target)


if __name__ == "__main__":
    contact_sheet(sys.argv[1], sys.argv[2:])
