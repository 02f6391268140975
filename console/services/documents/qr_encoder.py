"""A fast QR encoder for one case: UTF-8 text in byte mode, level M, a given mask.

Why not segno alone: segno needs ~9 ms a code in pure Python (and ~50 ms when it searches the 8
masks), which alone would blow the budget of a 1 000-page batch (10 s). Here everything that
depends only on the version (function patterns, the zig-zag order of data modules, the mask
bits) is computed once and cached, and Reed–Solomon runs on multiplication tables: ~1 ms a code.
The result is the very matrix segno makes for the same text and mask — the tests compare the two
over every version — so segno stays the reference and the fallback.
Follows ISO/IEC 18004 as laid out by Project Nayuki's reference implementation (MIT).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from operator import itemgetter
from typing import Any

# Level M, versions 1–40 (index 0 unused): EC codewords per block and number of blocks.
ECC_PER_BLOCK = (
    0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
    26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
)  # fmt: skip
NUM_BLOCKS = (
    0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
    17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
)  # fmt: skip
FORMAT_BITS_M = 0  # the two-bit code of level M in the format information

_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _x
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]

_MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda x, y: (x + y) % 2 == 0,
    lambda x, y: y % 2 == 0,
    lambda x, y: x % 3 == 0,
    lambda x, y: (x + y) % 3 == 0,
    lambda x, y: (x // 3 + y // 2) % 2 == 0,
    lambda x, y: x * y % 2 + x * y % 3 == 0,
    lambda x, y: (x * y % 2 + x * y % 3) % 2 == 0,
    lambda x, y: ((x + y) % 2 + x * y % 3) % 2 == 0,
)
_TO_MODULES = bytes.maketrans(b"01", b"\x00\x01")


def encode(text: str, mask: int) -> tuple[bytes, ...]:
    """Rows of modules (1 = dark), no quiet zone."""
    data = text.encode("utf-8")
    version = _version_for(len(data))
    codewords = _interleave(version, _data_codewords(version, data))
    template, count, gather, mask_bits = _layout(version, mask)
    stream = int.from_bytes(codewords, "big") << (count - 8 * len(codewords))  # remainder = 0
    bits = format(stream ^ mask_bits, f"0{count}b").encode().translate(_TO_MODULES)
    # One C-level gather puts every data bit and every function module in raster order.
    flat = bytes(gather(bits + template))
    size = version * 4 + 17
    return tuple(flat[r * size : (r + 1) * size] for r in range(size))


def _raw_modules(version: int) -> int:
    result = (16 * version + 128) * version + 64
    if version >= 2:
        align = version // 7 + 2
        result -= (25 * align - 10) * align - 55
        if version >= 7:
            result -= 36
    return result


def _capacity(version: int) -> int:
    return _raw_modules(version) // 8 - ECC_PER_BLOCK[version] * NUM_BLOCKS[version]


def _version_for(length: int) -> int:
    for version in range(1, 41):
        count_bits = 8 if version < 10 else 16
        if 4 + count_bits + 8 * length <= _capacity(version) * 8:
            return version
    raise ValueError("Текст QR-кода слишком длинный.")


def _data_codewords(version: int, data: bytes) -> bytes:
    count_bits = 8 if version < 10 else 16
    capacity = _capacity(version) * 8
    value = (0b0100 << count_bits | len(data)) << 8 * len(data) | int.from_bytes(data, "big")
    length = 4 + count_bits + 8 * len(data)
    terminator = min(4, capacity - length)
    value <<= terminator
    length += terminator
    pad = -length % 8
    value <<= pad
    length += pad
    out = value.to_bytes(length // 8, "big")
    filler = b"\xec\x11" * capacity
    return out + filler[: capacity // 8 - len(out)]


@cache
def _divisor(degree: int) -> tuple[tuple[int, ...], ...]:
    """For each byte value f, the generator polynomial's coefficients multiplied by f."""
    poly = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(degree):
            poly[j] = _mul(poly[j], root)
            if j + 1 < degree:
                poly[j] ^= poly[j + 1]
        root = _mul(root, 2)
    return tuple(tuple(_mul(c, f) for c in poly) for f in range(256))


def _mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


@cache
def _divisor_ints(degree: int) -> tuple[int, ...]:
    return tuple(int.from_bytes(bytes(row), "big") for row in _divisor(degree))


def _ecc(block: bytes, degree: int) -> list[int]:
    # The remainder register as one integer: a shift and an XOR per data byte.
    table = _divisor_ints(degree)
    top = 8 * (degree - 1)
    keep = (1 << top) - 1
    rem = 0
    for byte in block:
        rem = ((rem & keep) << 8) ^ table[byte ^ (rem >> top)]
    return list(rem.to_bytes(degree, "big"))


def _interleave(version: int, data: bytes) -> bytes:
    blocks_n = NUM_BLOCKS[version]
    ecc_len = ECC_PER_BLOCK[version]
    raw = _raw_modules(version) // 8
    short_n = blocks_n - raw % blocks_n
    short_len = raw // blocks_n
    blocks: list[list[int]] = []
    k = 0
    for i in range(blocks_n):
        size = short_len - ecc_len + (0 if i < short_n else 1)
        chunk = data[k : k + size]
        k += size
        padded = list(chunk) + ([0] if i < short_n else [])  # placeholder, skipped below
        blocks.append(padded + _ecc(chunk, ecc_len))
    out = bytearray()
    for i in range(len(blocks[0])):
        for j, block in enumerate(blocks):
            if i != short_len - ecc_len or j >= short_n:
                out.append(block[i])
    return bytes(out)


@cache
def _layout(version: int, mask: int) -> tuple[bytes, int, Callable[[bytes], Any], int]:
    """Function patterns with format bits, the number of data modules, a gather that puts
    (data bits + function patterns) in raster order, and the mask's bits in placement order."""
    size = version * 4 + 17
    dark = bytearray(size * size)
    function = bytearray(size * size)

    def put(x: int, y: int, on: bool) -> None:
        dark[y * size + x] = on
        function[y * size + x] = 1

    for i in range(size):
        put(6, i, i % 2 == 0)
        put(i, 6, i % 2 == 0)
    for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):
        for dy in range(-4, 5):
            for dx in range(-4, 5):
                if 0 <= cx + dx < size and 0 <= cy + dy < size:
                    put(cx + dx, cy + dy, max(abs(dx), abs(dy)) not in (2, 4))
    centres = _alignment_positions(version)
    last = len(centres) - 1
    for i, ax in enumerate(centres):
        for j, ay in enumerate(centres):
            if (i, j) not in ((0, 0), (0, last), (last, 0)):
                for dy in range(-2, 3):
                    for dx in range(-2, 3):
                        put(ax + dx, ay + dy, max(abs(dx), abs(dy)) != 1)
    _format_bits(put, size, mask)
    if version >= 7:
        rem = version
        for _ in range(12):
            rem = (rem << 1) ^ ((rem >> 11) * 0x1F25)
        bits = version << 12 | rem
        for i in range(18):
            on = bool(bits >> i & 1)
            a, b = size - 11 + i % 3, i // 3
            put(a, b, on)
            put(b, a, on)
    positions: list[int] = []
    mask_value = 0
    test = _MASKS[mask]
    right = size - 1
    while right >= 1:
        if right == 6:
            right = 5
        for vert in range(size):
            for j in range(2):
                x = right - j
                y = size - 1 - vert if (right + 1) & 2 == 0 else vert
                if not function[y * size + x]:
                    positions.append(y * size + x)
                    mask_value = mask_value << 1 | test(x, y)
        right -= 2
    count = len(positions)
    source = [count + k for k in range(size * size)]  # function modules: from the template
    for index, pos in enumerate(positions):
        source[pos] = index  # data modules: from the bit string
    return bytes(dark), count, itemgetter(*source), mask_value


def _alignment_positions(version: int) -> list[int]:
    if version == 1:
        return []
    count = version // 7 + 2
    step = (version * 8 + count * 3 + 5) // (count * 4 - 4) * 2
    size = version * 4 + 17
    return [6] + [size - 7 - i * step for i in range(count - 1)][::-1]


def _format_bits(put: Callable[[int, int, bool], None], size: int, mask: int) -> None:
    data = FORMAT_BITS_M << 3 | mask
    rem = data
    for _ in range(10):
        rem = (rem << 1) ^ ((rem >> 9) * 0x537)
    bits = (data << 10 | rem) ^ 0x5412

    def bit(i: int) -> bool:
        return bool(bits >> i & 1)

    for i in range(6):
        put(8, i, bit(i))
    put(8, 7, bit(6))
    put(8, 8, bit(7))
    put(7, 8, bit(8))
    for i in range(9, 15):
        put(14 - i, 8, bit(i))
    for i in range(8):
        put(size - 1 - i, 8, bit(i))
    for i in range(8, 15):
        put(8, size - 15 + i, bit(i))
    put(8, size - 8, True)
