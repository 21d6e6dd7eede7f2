"""The print-shop decks' CMYK output profile (templates/icc/prospective-cmyk.icc): a valid ICC
output profile that littlecms opens and converts through sensibly, written by
tools/make_cmyk_profile.py, and the only thing the fetcher's `toolkit:` URLs serve."""

import importlib.util
import struct
from pathlib import Path

import pytest
from PIL import Image, ImageCms
from weasyprint.urls import FatalURLFetchingError

from tests.helpers import ROOT
from toolkit.kit.pdf import make_fetcher

PROFILE = ROOT / "templates" / "icc" / "prospective-cmyk.icc"
DESCRIPTION = "prospective-toolkit naive CMYK (assumption, not a characterised printing condition)"
COPYRIGHT = "No copyright, CC0 1.0: prospective-toolkit contributors"


def _generator():
    spec = importlib.util.spec_from_file_location("make_cmyk_profile", ROOT / "tools" / "make_cmyk_profile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tags(data: bytes) -> dict[bytes, tuple[int, int]]:
    count = struct.unpack(">I", data[128:132])[0]
    entries = [struct.unpack(">4sII", data[132 + 12 * i:144 + 12 * i]) for i in range(count)]
    return {signature: (offset, size) for signature, offset, size in entries}


def _tag(data: bytes, signature: bytes) -> bytes:
    offset, size = _tags(data)[signature]
    return data[offset:offset + size]


def test_the_header_says_a_cmyk_output_profile_to_lab():
    data = PROFILE.read_bytes()
    assert struct.unpack(">I", data[:4])[0] == len(data) and len(data) % 4 == 0
    assert data[36:40] == b"acsp"
    assert data[8] == 2  # ICC version 2
    assert data[12:16] == b"prtr"  # an output device
    assert data[16:20] == b"CMYK"
    assert data[20:24] == b"Lab "
    assert struct.unpack(">3i", data[68:80]) == (0xF6D6, 0x10000, 0xD32D)  # the PCS illuminant, D50


def test_the_tags_of_an_output_profile_are_there_and_inside_the_file():
    data = PROFILE.read_bytes()
    tags = _tags(data)
    assert set(tags) == {b"desc", b"cprt", b"wtpt", b"A2B0", b"A2B1", b"A2B2", b"B2A0", b"B2A1", b"B2A2", b"gamt"}
    for signature, (offset, size) in tags.items():
        assert offset % 4 == 0 and offset + size <= len(data), signature
    assert {_tag(data, s)[:4] for s in (b"A2B0", b"B2A0", b"gamt")} == {b"mft2"}
    assert _tag(data, b"desc")[:4] == b"desc" and DESCRIPTION.encode() in _tag(data, b"desc")
    assert _tag(data, b"cprt") == b"text" + bytes(4) + COPYRIGHT.encode() + b"\0"
    assert _tag(data, b"wtpt")[:4] == b"XYZ "
    # CMYK in, Lab out on a 9-point grid; Lab in, CMYK out on a 17-point one; Lab in, in or out of gamut
    assert tuple(_tag(data, b"A2B0")[8:11]) == (4, 3, 9)
    assert tuple(_tag(data, b"B2A0")[8:11]) == (3, 4, 17)
    assert tuple(_tag(data, b"gamt")[8:11]) == (3, 1, 17)
    assert _tag(data, b"A2B1") == _tag(data, b"A2B0") and _tag(data, b"B2A2") == _tag(data, b"B2A0")


def test_the_committed_profile_is_what_the_generator_writes():
    """The CMYK -> Lab table whole, and some grid points of the Lab -> CMYK one (all of it takes seconds)."""
    generator = _generator()
    data = PROFILE.read_bytes()
    assert _tag(data, b"A2B0") == generator._a2b()
    b2a = _tag(data, b"B2A0")
    grid = 17
    clut = 52 + 2 * 2 * 3  # header and matrix, then two-entry input curves
    codes = [round(i * 65535 / (grid - 1)) for i in range(grid)]
    for point in [(16, 8, 8), (0, 8, 8), (8, 8, 8), (10, 3, 4), (12, 12, 14), (5, 9, 2)]:
        index = (point[0] * grid + point[1]) * grid + point[2]
        stored = struct.unpack(">4H", b2a[clut + 8 * index:clut + 8 * index + 8])
        inks, _error = generator.lab_to_cmyk(generator._grid_lab(tuple(codes[i] for i in point)))
        assert stored == tuple(generator._u16(v) for v in inks), point


def test_littlecms_opens_it_and_names_it():
    profile = ImageCms.getOpenProfile(str(PROFILE))
    assert ImageCms.getProfileDescription(profile).strip() == DESCRIPTION
    assert ImageCms.getProfileCopyright(profile).strip() == COPYRIGHT
    assert profile.profile.xcolor_space.strip() == "CMYK"
    assert profile.profile.device_class == "prtr"
    # WeasyPrint embeds what littlecms writes back: the same bytes, as long as no tag was read before
    assert ImageCms.getOpenProfile(str(PROFILE)).tobytes() == PROFILE.read_bytes()


def _convert(transform, mode: str, colour: tuple[int, ...]) -> tuple[int, ...]:
    return ImageCms.applyTransform(Image.new(mode, (1, 1), colour), transform).getpixel((0, 0))


@pytest.mark.parametrize("intent", [ImageCms.Intent.PERCEPTUAL, ImageCms.Intent.RELATIVE_COLORIMETRIC])
def test_it_converts_from_and_to_srgb_sensibly(intent):
    cmyk = ImageCms.getOpenProfile(str(PROFILE))
    srgb = ImageCms.createProfile("sRGB")
    to_rgb = ImageCms.buildTransform(cmyk, srgb, "CMYK", "RGB", renderingIntent=intent)
    to_cmyk = ImageCms.buildTransform(srgb, cmyk, "RGB", "CMYK", renderingIntent=intent)
    assert _convert(to_rgb, "CMYK", (0, 0, 0, 0)) == (255, 255, 255)  # paper
    assert max(_convert(to_cmyk, "RGB", (255, 255, 255))) <= 2  # no ink on white
    c, m, y, k = _convert(to_cmyk, "RGB", (0, 0, 0))
    assert k >= 150 and min(c, m, y) >= 150  # black: heavy black ink over the three others
    assert c + m + y + k <= 3.3 * 255  # within the total ink limit (320 %)
    grey = _convert(to_cmyk, "RGB", (128, 128, 128))
    assert 0 < grey[3] < 150  # a mid grey takes some black, not all
    cyan = _convert(to_rgb, "CMYK", (255, 0, 0, 0))
    r, g, b = cyan
    assert r < 80 and b > 200 and g > 120  # a blue-green
    c, m, y, k = _convert(to_cmyk, "RGB", cyan)  # and back: cyan again
    assert c >= 235 and max(m, y, k) <= 15
    r, g, b = _convert(to_rgb, "CMYK", (0, 255, 0, 0))
    assert r > 180 and g < 80 and b > 120  # magenta
    r, g, b = _convert(to_rgb, "CMYK", (0, 0, 255, 0))
    assert r > 220 and g > 200 and b < 80  # yellow


def test_the_fetcher_serves_the_shipped_profile_under_toolkit_urls(tmp_path: Path):
    response = make_fetcher([tmp_path]).fetch("toolkit:icc/prospective-cmyk.icc")
    assert response.read() == PROFILE.read_bytes()


@pytest.mark.parametrize("url", [
    "toolkit:icc/missing.icc", "toolkit:icc/README.md", "toolkit:css/base.css", "toolkit:icc/../css/base.css",
    "toolkit:icc/%2e%2e/css/base.css", "toolkit:/etc/passwd", "toolkit:icc/../../../../etc/passwd",
    "toolkit://host/icc/prospective-cmyk.icc", "toolkit:icc"])
def test_the_fetcher_serves_nothing_else_under_toolkit_urls(tmp_path: Path, url: str):
    with pytest.raises(FatalURLFetchingError):
        make_fetcher([tmp_path]).fetch(url)
