"""Write the print-shop decks' CMYK output profile, an ICC v2 profile built from a naive model.

Usage: python tools/make_cmyk_profile.py [OUT.icc]   (default: templates/icc/prospective-cmyk.icc)
       python tools/make_cmyk_profile.py --check       (exit 1 if the committed file differs)

No freely licensed CMYK profile is at hand, so this one is made from scratch, with the standard
library only. It is an assumption, not a characterised printing condition: it lets the print-shop
PDF/X-4 declare that its colours are meant for a coated-paper offset press (its OutputIntent);
the print shop converts with its own condition (FOGRA39, ISO Coated v2...) whatever this says.

The model (relative to the paper, the PCS being CIELAB D50):
- each ink filters three bands of light (the linear sRGB primaries, adapted to D50): a solid ink
  keeps a fraction of each band, and covering a fraction `a` of the paper keeps
  (1 - a') + a' * fraction, with a' = a + DOT_GAIN * a * (1 - a) (the dot grows on the press);
- the inks multiply, and a little light is always reflected by the ink surface (BLACK_FLOOR);
- paper white is the PCS white (relative colorimetry); the media white point tag says how white
  the paper itself is (a coated paper's L* 95, b* -2).
A2B0 (CMYK -> Lab) samples that model on a 9-point grid per ink. B2A0 (Lab -> CMYK) inverts it on
a 17-point grid: the nearest CMY with no black, then black takes GCR_FRACTION of the grey
component min(C, M, Y) and CMY are solved again around it; the total ink stays under TOTAL_INK.
The other intents share the same tables; gamt says which Lab values the inks cannot reach.
The output is the same byte for byte on every run (fixed date, no random).
"""

from __future__ import annotations

import math
import struct
import sys
from itertools import product
from pathlib import Path

DESCRIPTION = "prospective-toolkit naive CMYK (assumption, not a characterised printing condition)"
COPYRIGHT = "No copyright, CC0 1.0: prospective-toolkit contributors"
TARGET = Path(__file__).resolve().parent.parent / "templates" / "icc" / "prospective-cmyk.icc"
CREATED = (2026, 1, 1, 0, 0, 0)  # fixed, so that the file is reproducible

A2B_GRID = 9  # points per ink: 9**4 = 6561 grid entries
B2A_GRID = 17  # points per Lab axis: 17**3 = 4913 grid entries

# Fraction of each band (red, green, blue; linear) a solid ink lets through, over the paper.
INKS = (
    (0.02, 0.34, 0.76),  # cyan
    (0.66, 0.03, 0.33),  # magenta
    (0.93, 0.77, 0.025),  # yellow
    (0.013, 0.013, 0.014),  # black
)
# Solids then print near a coated press's (L* a* b*): C 62 -14 -44, M 51 67 -19, Y 90 -6 80, K 17 0 -1,
# CMY 15 2 2, all four 9 0 0: duller than a real cyan or green (the bands are sRGB's), close elsewhere.
DOT_GAIN = 0.56  # 14 % tone value increase at 50 % (a' = a + DOT_GAIN * a * (1 - a))
BLACK_FLOOR = 0.010  # light the inked surface reflects whatever the inks: the black's L* stays above 0
PAPER_LAB = (95.0, 0.0, -2.0)  # a coated paper's white (absolute, D50)
GCR_FRACTION = 0.7  # black replaces this fraction of the grey component min(C, M, Y)
TOTAL_INK = 3.2  # at most 320 % of ink in all

D50 = (0.9642, 1.0, 0.8249)
# Linear sRGB to XYZ, Bradford-adapted to D50 (the ICC's sRGB matrix).
RGB_TO_XYZ = (
    (0.4360747, 0.3850649, 0.1430804),
    (0.2225045, 0.7168786, 0.0606169),
    (0.0139322, 0.0971045, 0.7141733),
)


# --- the model ---------------------------------------------------------------------------------

def _lab(xyz: tuple[float, float, float]) -> tuple[float, float, float]:
    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(xyz[0] / D50[0]), f(xyz[1] / D50[1]), f(xyz[2] / D50[2])
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _xyz(lab: tuple[float, float, float]) -> tuple[float, float, float]:
    def f(t: float) -> float:
        return t ** 3 if t > 6 / 29 else 3 * (6 / 29) ** 2 * (t - 4 / 29)

    fy = (lab[0] + 16) / 116
    return tuple(w * f(t) for w, t in zip(D50, (fy + lab[1] / 500, fy, fy - lab[2] / 200), strict=True))


def cmyk_to_lab(cmyk: tuple[float, ...]) -> tuple[float, float, float]:
    """The Lab (relative to the paper) that the naive press prints for ink fractions 0..1."""
    red = green = blue = 1.0
    for amount, (ink_red, ink_green, ink_blue) in zip(cmyk, INKS, strict=True):
        spread = amount + DOT_GAIN * amount * (1 - amount)
        red *= 1 - spread + spread * ink_red
        green *= 1 - spread + spread * ink_green
        blue *= 1 - spread + spread * ink_blue
    red, green, blue = (BLACK_FLOOR + (1 - BLACK_FLOOR) * band for band in (red, green, blue))
    return _lab(tuple(x * red + y * green + z * blue for x, y, z in RGB_TO_XYZ))


def _distance(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    return math.dist(a, b)


def _solve_cmy(target: tuple[float, float, float], black: float, start: list[float]) -> list[float]:
    """C, M, Y in 0..1 whose print with `black` is nearest to `target` (Levenberg-Marquardt, clamped)."""
    x = [min(1.0, max(0.0, v)) for v in start]
    here = cmyk_to_lab((*x, black))
    error = _distance(here, target)
    damping = 1e-3
    for _ in range(60):
        if error < 0.01:
            break
        step = 1e-4
        jacobian = []  # d(Lab)/d(ink), one column per ink
        for i in range(3):
            moved = list(x)
            moved[i] = moved[i] + step if moved[i] + step <= 1 else moved[i] - step
            delta = moved[i] - x[i]
            lab = cmyk_to_lab((*moved, black))
            jacobian.append([(lab[j] - here[j]) / delta for j in range(3)])
        residual = [target[j] - here[j] for j in range(3)]
        # (J^T J + damping * diag) step = J^T residual
        jtj = [[sum(jacobian[a][j] * jacobian[b][j] for j in range(3)) for b in range(3)] for a in range(3)]
        jtr = [sum(jacobian[a][j] * residual[j] for j in range(3)) for a in range(3)]
        improved = False
        for _attempt in range(8):
            system = [[jtj[a][b] + (damping * (jtj[a][a] + 1e-9) if a == b else 0.0) for b in range(3)]
                      for a in range(3)]
            delta_x = _solve3(system, jtr)
            candidate = [min(1.0, max(0.0, x[i] + delta_x[i])) for i in range(3)]
            lab = cmyk_to_lab((*candidate, black))
            candidate_error = _distance(lab, target)
            if candidate_error < error:
                settled = error - candidate_error < 1e-4  # out of gamut: as near as it gets
                x, here, error = candidate, lab, candidate_error
                damping = max(damping / 4, 1e-7)
                improved = not settled
                break
            damping *= 8
        if not improved:
            break
    return x


def _solve3(m: list[list[float]], v: list[float]) -> list[float]:
    """Solve a 3x3 linear system (Cramer); a singular one gives no step."""
    def det(a: list[list[float]]) -> float:
        return (a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
                - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]))

    whole = det(m)
    if abs(whole) < 1e-12:
        return [0.0, 0.0, 0.0]
    result = []
    for column in range(3):
        replaced = [[v[r] if c == column else m[r][c] for c in range(3)] for r in range(3)]
        result.append(det(replaced) / whole)
    return result


def _first_guess(target: tuple[float, float, float]) -> list[float]:
    """CMY from the bands alone (each ink taken as a pure filter of its own band)."""
    x, y, z = _xyz(target)
    inverse = _inverse3(RGB_TO_XYZ)
    bands = [min(1.0, max(1e-3, sum(m * v for m, v in zip(row, (x, y, z), strict=True)))) for row in inverse]
    guess = []
    for band, ink in zip(bands, INKS[:3], strict=True):
        spread = min(1.0, (1 - band) / (1 - ink[len(guess)]))
        # invert the dot gain: spread = a + g a (1 - a)
        g = DOT_GAIN
        guess.append(spread if g == 0 else ((1 + g) - math.sqrt((1 + g) ** 2 - 4 * g * spread)) / (2 * g))
    return guess


def _inverse3(m: tuple[tuple[float, ...], ...]) -> list[list[float]]:
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return [[(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
            [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
            [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det]]


def lab_to_cmyk(target: tuple[float, float, float]) -> tuple[tuple[float, float, float, float], float]:
    """The inks for a Lab value (naive GCR, total ink limited), and how far their print is from it (dE76)."""
    cmy = _solve_cmy(target, 0.0, _first_guess(target))
    black = GCR_FRACTION * min(cmy)
    if black > 0:
        cmy = _solve_cmy(target, black, [max(0.0, v - black) for v in cmy])
    total = sum(cmy) + black
    if total > TOTAL_INK:  # take the excess off C, M and Y in proportion
        scale = max(0.0, TOTAL_INK - black) / sum(cmy)
        cmy = [v * scale for v in cmy]
    inks = (cmy[0], cmy[1], cmy[2], black)
    return inks, _distance(cmyk_to_lab(inks), target)


# --- ICC encoding ------------------------------------------------------------------------------

def _u16(value: float) -> int:
    return max(0, min(65535, round(value * 65535)))


def _lab_v2(lab: tuple[float, float, float]) -> tuple[int, int, int]:
    """Lab in the 16-bit encoding of ICC v2 lut16 tables (L* 100 = 0xFF00, a* 0 = 0x8000)."""
    lightness = max(0, min(0xFF00, round(lab[0] * 0xFF00 / 100)))
    a, b = (max(0, min(0xFFFF, round((v + 128) * 256))) for v in lab[1:])
    return lightness, a, b


def _grid_lab(code: tuple[int, int, int]) -> tuple[float, float, float]:
    """The Lab value a grid point of a v2 Lab input stands for."""
    return code[0] * 100 / 0xFF00, code[1] / 256 - 128, code[2] / 256 - 128


def _s15f16(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _lut16(inputs: int, outputs: int, grid: int, clut: list[int]) -> bytes:
    """A lut16Type ('mft2'): identity matrix, identity 2-entry input and output curves."""
    assert len(clut) == grid ** inputs * outputs
    head = b"mft2" + bytes(4) + struct.pack(">BBBB", inputs, outputs, grid, 0)
    matrix = b"".join(_s15f16(1.0 if row == column else 0.0) for row in range(3) for column in range(3))
    curves = struct.pack(">HH", 2, 2)
    identity = struct.pack(">HH", 0, 65535)
    return (head + matrix + curves + identity * inputs + struct.pack(f">{len(clut)}H", *clut)
            + identity * outputs)


def _a2b() -> bytes:
    steps = [i / (A2B_GRID - 1) for i in range(A2B_GRID)]
    clut: list[int] = []
    for cmyk in product(steps, repeat=4):  # the first ink varies least rapidly, as ICC orders a CLUT
        clut.extend(_lab_v2(cmyk_to_lab(cmyk)))
    return _lut16(4, 3, A2B_GRID, clut)


def _b2a_and_gamut() -> tuple[bytes, bytes]:
    codes = [round(i * 65535 / (B2A_GRID - 1)) for i in range(B2A_GRID)]
    clut: list[int] = []
    gamut: list[int] = []
    for code in product(codes, repeat=3):
        inks, error = lab_to_cmyk(_grid_lab(code))
        clut.extend(_u16(v) for v in inks)
        gamut.append(0 if error <= 2.0 else 65535)  # 0: the inks print it (within dE 2)
    return _lut16(3, 4, B2A_GRID, clut), _lut16(3, 1, B2A_GRID, gamut)


def _desc(text: str) -> bytes:
    """textDescriptionType ('desc', ICC v2): ASCII, no Unicode, an empty ScriptCode."""
    ascii_text = text.encode("ascii") + b"\0"
    return (b"desc" + bytes(4) + struct.pack(">I", len(ascii_text)) + ascii_text
            + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + bytes(67))


def _text(text: str) -> bytes:
    return b"text" + bytes(4) + text.encode("ascii") + b"\0"


def _xyz_tag(xyz: tuple[float, float, float]) -> bytes:
    return b"XYZ " + bytes(4) + b"".join(_s15f16(v) for v in xyz)


def profile() -> bytes:
    """The whole profile, as bytes."""
    a2b = _a2b()
    b2a, gamut = _b2a_and_gamut()
    tags = [  # (signature, data); several signatures share one table
        (b"desc", _desc(DESCRIPTION)),
        (b"cprt", _text(COPYRIGHT)),
        (b"wtpt", _xyz_tag(_xyz(PAPER_LAB))),
        (b"A2B0", a2b), (b"A2B1", a2b), (b"A2B2", a2b),
        (b"B2A0", b2a), (b"B2A1", b2a), (b"B2A2", b2a),
        (b"gamt", gamut),
    ]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    placed: dict[bytes, int] = {}  # data -> offset, so shared tables are written once
    body = b""
    entries = b""
    for signature, data in tags:
        if data not in placed:
            body += b"\0" * (-(offset + len(body)) % 4)  # every tag starts on a 4-byte boundary
            placed[data] = offset + len(body)
            body += data
        entries += signature + struct.pack(">II", placed[data], len(data))
    body += b"\0" * (-(offset + len(body)) % 4)  # and the profile ends on one (littlecms writes it so)
    size = offset + len(body)
    header = struct.pack(
        ">I4sI4s4s4s6H4sI I I I Q I 12s 4s 16s 28s",
        size, b"\0\0\0\0", 0x02100000, b"prtr", b"CMYK", b"Lab ", *CREATED, b"acsp",
        0, 0, 0, 0, 0, 0, b"".join(_s15f16(v) for v in D50), b"\0\0\0\0", bytes(16), bytes(28),
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + entries + body


def main(arguments: list[str]) -> int:
    data = profile()
    if arguments == ["--check"]:
        if TARGET.read_bytes() != data:
            print(f"{TARGET} differs from what {Path(__file__).name} writes: run it again", file=sys.stderr)
            return 1
        return 0
    target = Path(arguments[0]) if arguments else TARGET
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    print(f"{target}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
