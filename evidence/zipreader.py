"""The ZIP format, read with bounded memory: the end record, the central directory one
record at a time, and an entry's bytes decompressed in pieces.

It knows the format and nothing about what an upload may hold (``containers`` decides
that). Every size, offset and name in a ZIP file is written by whoever made it, so each
is checked against the file before it is used; an entry's bytes are counted as they are
produced and checked against its declared size and CRC. ``zipfile`` is not used: it
builds the whole directory in memory before the first check, and a ``read()`` of an
entry inflates all of it.

Only the two methods every mainstream tool writes are decompressed: stored and deflate
(Windows, macOS, 7-Zip's default, Office, LibreOffice, Java, Python).
"""

from __future__ import annotations

import stat
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

STORED, DEFLATED = 0, 8
METHODS = frozenset({STORED, DEFLATED})
WINZIP_AES = 99  # AES encryption announces itself as a compression method
READ_BYTES = 64 * 1024  # compressed bytes read at a time
PIECE_BYTES = 256 * 1024  # most decompressed bytes produced at a time

_END = struct.Struct("<4s4H2LH")  # end of central directory record, 22 bytes
_ZIP64_LOCATOR = struct.Struct("<4sLQL")  # 20 bytes
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")  # 56 bytes
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # central directory header, 46 bytes
_LOCAL = struct.Struct("<4s5H3L2H")  # local file header, 30 bytes
_MAX_COMMENT = 0xFFFF
_FLAG_ENCRYPTED, _FLAG_STRONG, _FLAG_DESCRIPTOR, _FLAG_UTF8 = 0x1, 0x40, 0x8, 0x800
_ZIP64_EXTRA, _UNICODE_PATH_EXTRA = 0x0001, 0x7075


class ZipFormatError(Exception):
    """The bytes are not a well-formed ZIP file, or one whose parts disagree."""


@dataclass(frozen=True)
class Directory:
    count: int
    offset: int
    size: int


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    raw_name: bytes
    # Info-ZIP's Unicode Path field: 7-Zip and Info-ZIP extract under this name instead.
    unicode_name: str | None
    flags: int
    method: int
    crc: int
    compressed_size: int
    size: int
    offset: int
    made_by: int
    external_attr: int

    @property
    def names(self) -> tuple[str, ...]:
        """Every name an extracting tool might use for this entry."""
        if self.unicode_name is None or self.unicode_name == self.name:
            return (self.name,)
        return (self.name, self.unicode_name)

    @property
    def is_dir(self) -> bool:
        return self.name.endswith("/")

    @property
    def encrypted(self) -> bool:
        return bool(self.flags & (_FLAG_ENCRYPTED | _FLAG_STRONG)) or self.method == WINZIP_AES

    @property
    def is_symlink(self) -> bool:
        # The Unix mode sits in the high half of the external attributes; checked whatever
        # system the entry claims, as some extractors honour it from any.
        return stat.S_ISLNK(self.external_attr >> 16)


def _read_exact(fh: IO[bytes], n: int) -> bytes:
    data = fh.read(n)
    if len(data) != n:
        raise ZipFormatError("truncated")
    return data


def size_of(fh: IO[bytes]) -> int:
    fh.seek(0, 2)
    return fh.tell()


def directory(fh: IO[bytes], size: int) -> Directory:
    """Where the central directory is and how many records it says it holds: the end
    record whose comment reaches exactly to the end of the file (ZIP64 when present)."""
    tail_len = min(size, _END.size + _MAX_COMMENT)
    fh.seek(size - tail_len)
    tail = _read_exact(fh, tail_len)
    pos = tail.rfind(b"PK\x05\x06", 0, tail_len - _END.size + 4)
    while pos >= 0 and pos + _END.size + _END.unpack_from(tail, pos)[7] != tail_len:
        pos = tail.rfind(b"PK\x05\x06", 0, pos)
    if pos < 0:
        raise ZipFormatError("no end of central directory record")
    _sig, disk, cd_disk, _here, count, cd_size, cd_offset, _comment = _END.unpack_from(tail, pos)
    end = size - tail_len + pos
    locator = b""
    if end >= _ZIP64_LOCATOR.size:
        fh.seek(end - _ZIP64_LOCATOR.size)
        locator = _read_exact(fh, _ZIP64_LOCATOR.size)
    if locator.startswith(b"PK\x06\x07"):
        _sig, _disk, zip64_at, _disks = _ZIP64_LOCATOR.unpack(locator)
        if zip64_at + _ZIP64_END.size > end - _ZIP64_LOCATOR.size:
            raise ZipFormatError("ZIP64 end record out of place")
        fh.seek(zip64_at)
        fields = _ZIP64_END.unpack(_read_exact(fh, _ZIP64_END.size))
        if fields[0] != b"PK\x06\x06":
            raise ZipFormatError("no ZIP64 end record")
        disk, cd_disk, count, cd_size, cd_offset = fields[4], fields[5], *fields[7:10]
        end = zip64_at
    if disk or cd_disk:
        raise ZipFormatError("spanned archive")
    if cd_offset + cd_size != end:
        raise ZipFormatError("central directory not where the end record says")
    return Directory(count=count, offset=cd_offset, size=cd_size)


def _extra_fields(extra: bytes) -> dict[int, bytes]:
    fields: dict[int, bytes] = {}
    i = 0
    while i + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, i)
        fields.setdefault(tag, extra[i + 4 : i + 4 + length])
        i += 4 + length
    return fields


def _zip64_values(data: bytes | None, *values: int) -> list[int]:
    """The 32-bit values saturated at 0xFFFFFFFF replaced by the ZIP64 field's, in order."""
    wide = list(struct.unpack_from(f"<{len(data) // 8}Q", data)) if data else []
    out = []
    for value in values:
        if value == 0xFFFFFFFF:
            if not wide:
                raise ZipFormatError("ZIP64 value missing")
            value = wide.pop(0)
        out.append(value)
    return out


def entries(fh: IO[bytes], where: Directory) -> Iterator[Entry]:
    """The directory's records, read one at a time (the caller decides when to stop)."""
    pos, end, seen = where.offset, where.offset + where.size, 0
    while pos < end:
        fh.seek(pos)
        fixed = _CENTRAL.unpack(_read_exact(fh, _CENTRAL.size))
        (sig, made_by, _need, flags, method, _time, _date, crc, csize, usize) = fixed[:10]
        (name_len, extra_len, comment_len, disk, _internal, external, offset) = fixed[10:]
        if sig != b"PK\x01\x02":
            raise ZipFormatError("bad central directory record")
        variable = _read_exact(fh, name_len + extra_len + comment_len)
        pos += _CENTRAL.size + len(variable)
        if pos > end or disk not in (0, 0xFFFF):
            raise ZipFormatError("central directory record out of bounds")
        raw = variable[:name_len]
        extra = _extra_fields(variable[name_len : name_len + extra_len])
        usize, csize, offset = _zip64_values(extra.get(_ZIP64_EXTRA), usize, csize, offset)
        unicode_field = extra.get(_UNICODE_PATH_EXTRA)
        unicode_name = None
        if unicode_field and unicode_field[0] == 1 and len(unicode_field) > 5:
            unicode_name = unicode_field[5:].decode("utf-8", "replace")
        try:
            name = raw.decode("utf-8" if flags & _FLAG_UTF8 else "cp437")
        except UnicodeDecodeError:
            raise ZipFormatError("name is not UTF-8 as its flag says") from None
        seen += 1
        yield Entry(
            name=name,
            raw_name=raw,
            unicode_name=unicode_name,
            flags=flags,
            method=method,
            crc=crc,
            compressed_size=csize,
            size=usize,
            offset=offset,
            made_by=made_by,
            external_attr=external,
        )
    if seen != where.count:
        raise ZipFormatError("central directory holds a different number of records")


def data_span(fh: IO[bytes], entry: Entry, limit: int) -> tuple[int, int]:
    """Where the entry's compressed bytes start and end, from its local header, which
    must agree with the directory: a tool that reads local headers (a streaming
    extractor) must see the same name, method and sizes as one that reads the directory."""
    fh.seek(entry.offset)
    sig, _need, flags, method, _t, _d, crc, csize, usize, name_len, extra_len = _LOCAL.unpack(
        _read_exact(fh, _LOCAL.size)
    )
    if sig != b"PK\x03\x04":
        raise ZipFormatError("no local header where the directory says")
    if _read_exact(fh, name_len) != entry.raw_name:
        raise ZipFormatError("local header names another file")
    if method != entry.method or (flags ^ entry.flags) & _FLAG_ENCRYPTED:
        raise ZipFormatError("local header disagrees with the directory")
    declared = (crc, csize, usize)
    if (
        not flags & _FLAG_DESCRIPTOR
        and 0xFFFFFFFF not in (csize, usize)
        and declared != (entry.crc, entry.compressed_size, entry.size)
    ):
        raise ZipFormatError("local header sizes disagree with the directory")
    start = entry.offset + _LOCAL.size + name_len + extra_len
    end = start + entry.compressed_size
    if end > limit:
        raise ZipFormatError("entry data runs past the central directory")
    return start, end


def stream(fh: IO[bytes], entry: Entry, start: int) -> Iterator[tuple[bytes, int]]:
    """The entry's bytes in pieces of at most PIECE_BYTES, each with the number of
    compressed bytes consumed so far. Stops with ZipFormatError as soon as more bytes
    come out than the directory declared, and at the end when fewer did or the CRC
    differs. Call only for METHODS."""
    remaining, position, fed = entry.compressed_size, start, 0
    pending = b""
    produced, crc = 0, 0
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if entry.method == DEFLATED else None
    while True:
        if not pending and remaining:
            fh.seek(position)
            pending = _read_exact(fh, min(READ_BYTES, remaining))
            position += len(pending)
            remaining -= len(pending)
            fed += len(pending)
        if inflater is None:
            piece, pending = pending[:PIECE_BYTES], pending[PIECE_BYTES:]
        else:
            try:
                piece = inflater.decompress(pending, PIECE_BYTES)
            except zlib.error:
                raise ZipFormatError("corrupt deflate data") from None
            pending = inflater.unconsumed_tail
        if piece:
            produced += len(piece)
            if produced > entry.size:
                raise ZipFormatError("entry longer than declared")
            crc = zlib.crc32(piece, crc)
            yield piece, fed - len(pending)
        finished = inflater.eof if inflater is not None else not (pending or remaining)
        if finished:
            break
        if not piece and not pending and not remaining:
            raise ZipFormatError("deflate data ends early")
    if produced != entry.size or crc != entry.crc:
        raise ZipFormatError("entry shorter than declared or CRC differs")
