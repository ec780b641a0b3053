"""What a ZIP archive, an Office Open XML document (DOCX/XLSX/PPTX) or an OpenDocument
file (ODT/ODS/ODP) may hold, decided before anything is stored.

The central directory is read one record at a time and every entry is streamed through
its decompressor in pieces (``zipreader``), so the check holds a few hundred KB whatever
the file says about itself. The sizes the directory declares are checked first, which
refuses an honest zip bomb before a byte is inflated; they are written by whoever made
the file, so the bytes actually produced are counted against the same caps as well, and
decompression stops at the first one passed. Archives and documents inside an archive
(a DOCX in a ZIP, the workbook behind a chart in a DOCX) are inspected the same way, to
``ZI_ARCHIVE_MAX_NESTING`` levels, sharing one budget of entries and bytes with the file
that holds them.

Refused, wherever they sit: programs and scripts (by their first bytes and by their
extension), HTML and SVG with script, macros (VBA projects, macro-enabled and ActiveX
content types, OpenDocument's Basic/ and Scripts/ folders and event listeners, VBA in
old binary Office files), archives that cannot be inspected (RAR, 7z, gzip …), paths an
extractor could be led out of its folder by, hidden characters in names, symbolic
links, duplicate names, encrypted entries and compression methods other than stored and
deflate. The limits come from settings (``ZI_ARCHIVE_*``, see the README); the messages
from ``container_refusals``.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings

from . import container_refusals as refuse
from . import zipreader
from .zipreader import Entry, ZipFormatError

HEAD_BYTES = 4096  # what an entry's type is told from
MIMETYPE_BYTES = 256  # OpenDocument's mimetype entry is one short line
SPOOL_IN_MEMORY = 1024 * 1024  # an archive inside an archive past this goes to a temp file
SCAN_OVERLAP = 1100  # longest pattern looked for across two pieces (see _has_script)

EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE (exe, dll, scr, cpl …)
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"#!",  # scripts
    b"dex\n",  # Android
    b"L\x00\x00\x00\x01\x14\x02\x00",  # Windows shortcut (.lnk)
    b"\x00asm",  # WebAssembly
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PROGRAM_EXTENSIONS = _words(
    """
    exe dll sys drv ocx cpl scr com pif msi msp mst msix msixbundle appx appxbundle xll
    bat cmd ps1 psm1 psd1 vbs vbe js jse mjs cjs wsf wsh wsc sct hta jar apk xapk aab dex
    lnk url scf reg inf msc gadget application appref-ms so dylib
    sh bash zsh csh ksh command run py pyw pyc pl rb php
    """
)
ARCHIVE_MAGIC = (
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",  # gzip
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",  # zstd
    b"MSCF",  # cabinet
    b"LZIP",
)
UNINSPECTABLE_EXTENSIONS = _words(
    "rar 7z gz tgz bz2 tbz2 xz txz zst tar cab arj lzh lha ace iso img vhd vhdx dmg wim"
)
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc/.xls/.ppt and embedded objects
MACRO_FILES = frozenset(
    {"vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin", "vbaprojectsignatureagile.bin"}
)
ODF_MACRO_FOLDERS = ("basic/", "scripts/")
# What is looked for (lower-case, but in OLE files) → how a message names it.
# In [Content_Types].xml and the relationship parts of an OOXML package:
OOXML_MACRO_MARKERS = {
    b"macroenabled": "macroEnabled",
    b"vbaproject": "vbaProject",
    b"vbadata": "vbaData",
    b"activex": "ActiveX",
}
# In the XML parts of an OpenDocument file: events bound to macros.
ODF_MACRO_MARKERS = {
    b"script:event-listener": "script:event-listener",
    b"vnd.sun.star.script:": "vnd.sun.star.script",
    b"macro:///": "macro:///",
}
# In an old binary Office file (.doc/.xls/.ppt) or an embedded OLE object.
OLE_MACRO_MARKERS = {"_VBA_PROJECT".encode("utf-16-le"): "_VBA_PROJECT"}
MARKUP_EXTENSIONS = _words("html htm xhtml xht shtml svg mht mhtml")

_MARKUP_HEAD = re.compile(rb"<(?:!doctype\s+html|html|svg|[a-z0-9_-]+:svg)[\s/>]")
_SCRIPT_TAG = re.compile(
    rb"<(?:[a-z0-9_-]+:)?(?:script|iframe|frame|object|embed|applet|handler)[\s/>]"
)
# Each starts with a literal, which keeps the search fast on large pages; what must come
# before the match is checked by hand.
_SCRIPT_URL = re.compile(rb"script\s*:")
_EVENT_ATTRIBUTE = re.compile(rb"on[a-z]{3,30}\s*=")
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Limits:
    entries: int
    total_entries: int
    total_bytes: int
    ratio: int
    ratio_floor: int
    nesting: int
    name_length: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            entries=int(settings.ZI_ARCHIVE_MAX_ENTRIES),
            total_entries=int(settings.ZI_ARCHIVE_MAX_TOTAL_ENTRIES),
            total_bytes=int(settings.ZI_ARCHIVE_MAX_UNCOMPRESSED_BYTES),
            ratio=int(settings.ZI_ARCHIVE_MAX_RATIO),
            ratio_floor=int(settings.ZI_ARCHIVE_RATIO_FLOOR_BYTES),
            nesting=int(settings.ZI_ARCHIVE_MAX_NESTING),
            name_length=int(settings.ZI_ARCHIVE_MAX_NAME_LENGTH),
        )


@dataclass(frozen=True)
class Listing:
    """What ``validation`` needs to tell the container's type (after it was inspected)."""

    names: frozenset[str]
    mimetype: str | None


def _has_script(text: bytes) -> str | None:
    """ "" when ``text`` (lower-case markup) holds a script, a frame or an event handler."""
    if _SCRIPT_TAG.search(text):
        return ""
    for match in _SCRIPT_URL.finditer(text):
        if text.endswith((b"java", b"vb"), 0, match.start()):
            return ""
    for match in _EVENT_ATTRIBUTE.finditer(text):
        if match.start() and text[match.start() - 1] in b" \t\r\n\f/\"'":
            return ""
    return None


def _has_any(markers: dict[bytes, str]) -> Callable[[bytes], str | None]:
    def found(text: bytes) -> str | None:
        return next((shown for marker, shown in markers.items() if marker in text), None)

    return found


@dataclass
class _Watch:
    """Looks for what ``found`` recognises across the pieces of one entry; ``found``
    answers None, or what a message should name beside the entry ("" for nothing)."""

    refusal: Callable[[str, str], Exception]
    found: Callable[[bytes], str | None]
    lower: bool = True
    tail: bytes = b""

    def feed(self, piece: bytes) -> str | None:
        text = self.tail + (piece.lower() if self.lower else piece)
        self.tail = text[-SCAN_OVERLAP:]
        return self.found(text)


def _extension(name: str) -> str:
    # Windows drops trailing dots and spaces: "setup.exe. " runs as setup.exe.
    base = name.rstrip("/").rsplit("/", 1)[-1].rstrip(". ")
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


@dataclass
class _Inspection:
    """One upload's inspection: the limits and the budget every level shares."""

    container: str  # the upload as messages name it
    upload_size: int
    limits: Limits
    entries: int = 0
    inflated: int = 0  # bytes produced, at every level
    declared: int = 0  # bytes the directories declare, at every level
    spool_dir: str | None = field(default=None)

    def archive(self, fh: IO[bytes], size: int, prefix: str, depth: int) -> Listing:
        try:
            where = zipreader.directory(fh, size)
            limits = self.limits
            if where.count > limits.entries:
                raise refuse.too_many_entries(self.container, limits.entries, prefix)
            if self.entries + where.count > limits.total_entries:
                raise refuse.too_many_entries(self.container, limits.total_entries, in_total=True)
            listed = self._directory(fh, where, prefix)
            return self._contents(fh, listed, where.offset, prefix, depth)
        except ZipFormatError:
            raise refuse.corrupt(self.container, prefix.rstrip("/")) from None

    # --- the central directory: names, flags and declared sizes -----------------------

    def _directory(self, fh: IO[bytes], where: zipreader.Directory, prefix: str) -> list[Entry]:
        limits, listed, seen = self.limits, [], set()
        for entry in zipreader.entries(fh, where):
            if len(listed) >= limits.entries:
                raise refuse.too_many_entries(self.container, limits.entries, prefix)
            self.entries += 1
            if self.entries > limits.total_entries:
                raise refuse.too_many_entries(self.container, limits.total_entries, in_total=True)
            for name in entry.names:
                self._check_name(name, prefix)
            path = prefix + entry.name
            key = unicodedata.normalize("NFC", entry.name).casefold().rstrip("/")
            if key in seen:
                raise refuse.duplicate_name(self.container, path)
            seen.add(key)
            if entry.is_symlink:
                raise refuse.symlink(self.container, path)
            if entry.encrypted:
                raise refuse.encrypted(self.container, path)
            if entry.method not in zipreader.METHODS:
                raise refuse.unsupported_method(self.container, path)
            if not entry.is_dir and any(_extension(n) in PROGRAM_EXTENSIONS for n in entry.names):
                raise refuse.program(self.container, path)
            if entry.name.rsplit("/", 1)[-1].lower() in MACRO_FILES:
                raise refuse.macro(self.container, path)
            self.declared += entry.size
            if self.declared > limits.total_bytes:
                raise refuse.too_large(self.container, limits.total_bytes)
            if self._too_compressed(entry.size, entry.compressed_size):
                raise refuse.ratio(self.container, limits.ratio, path)
            listed.append(entry)
        return listed

    def _check_name(self, name: str, prefix: str) -> None:
        path = prefix + name
        if len(name) > self.limits.name_length:
            raise refuse.name_too_long(self.container, path, self.limits.name_length)
        if refuse.HIDDEN_CHARACTERS.search(name):
            raise refuse.unsafe_name(self.container, path)
        parts = name.split("/")
        if (
            not name
            or "\\" in name
            or ":" in name
            or name.startswith("/")
            or _DRIVE.match(name)
            or any(p.count(".") >= 2 and not p.strip(". ") for p in parts)
        ):
            raise refuse.unsafe_path(self.container, path)

    def _too_compressed(self, produced: int, consumed: int) -> bool:
        return produced > self.limits.ratio_floor and produced > self.limits.ratio * max(
            consumed, 1
        )

    # --- the entries' bytes --------------------------------------------------------------

    def _contents(
        self, fh: IO[bytes], listed: list[Entry], limit: int, prefix: str, depth: int
    ) -> Listing:
        names = frozenset(e.name for e in listed)
        odf = "mimetype" in names or "META-INF/manifest.xml" in names
        if odf:
            for entry in listed:
                if entry.name.lower().startswith(ODF_MACRO_FOLDERS):
                    raise refuse.macro(self.container, prefix + entry.name)
        mimetype, end_of_last = None, 0
        # In file order: sequential reads, and overlapping entries (one compressed
        # stream listed under many names, a known zip-bomb shape) are seen.
        for entry in sorted(listed, key=lambda e: e.offset):
            if entry.offset < end_of_last:
                raise ZipFormatError("entries overlap")
            start, end_of_last = zipreader.data_span(fh, entry, limit)
            head = self._entry(fh, entry, start, prefix + entry.name, depth, odf)
            if entry.name == "mimetype" and entry.size <= MIMETYPE_BYTES:
                mimetype = head.decode("ascii", "replace").strip()
        return Listing(names=names, mimetype=mimetype)

    def _entry(
        self, fh: IO[bytes], entry: Entry, start: int, path: str, depth: int, odf: bool
    ) -> bytes:
        """Streams one entry through the caps and the watches it needs; returns its head."""
        head, held = b"", []
        watches: list[_Watch] | None = None
        spool = None
        produced = 0
        try:
            for piece, consumed in zipreader.stream(fh, entry, start):
                produced += len(piece)
                self.inflated += len(piece)
                self._check_budget(path, produced, consumed)
                if watches is None:
                    head += piece[: HEAD_BYTES - len(head)]
                    held.append(piece)
                    if len(head) < HEAD_BYTES:
                        continue
                    watches, spool = self._watches(entry, path, head, depth, odf)
                    pieces, held = held, []
                else:
                    pieces = [piece]
                for p in pieces:
                    self._feed(watches, spool, p, path)
            if watches is None:
                watches, spool = self._watches(entry, path, head, depth, odf)
                for p in held:
                    self._feed(watches, spool, p, path)
            if spool is not None:
                spool.seek(0)
                self.archive(spool, produced, path + "/", depth + 1)
        finally:
            if spool is not None:
                spool.close()
        return head

    def _check_budget(self, path: str, produced: int, consumed: int) -> None:
        limits = self.limits
        if self.inflated > limits.total_bytes:
            raise refuse.too_large(self.container, limits.total_bytes)
        if self._too_compressed(produced, consumed):
            raise refuse.ratio(self.container, limits.ratio, path)
        if self._too_compressed(self.inflated, self.upload_size):
            raise refuse.ratio(self.container, limits.ratio)

    def _feed(self, watches: list[_Watch], spool, piece: bytes, path: str) -> None:
        for watch in watches:
            if (detail := watch.feed(piece)) is not None:
                raise watch.refusal(self.container, f"{path}: {detail}" if detail else path)
        if spool is not None:
            spool.write(piece)

    def _watches(self, entry: Entry, path: str, head: bytes, depth: int, odf: bool):
        """What to look for in an entry, decided from its first bytes and its name; and
        the spool an archive inside is copied to, to be inspected in its turn."""
        extension = _extension(entry.name)
        if head.startswith(EXECUTABLE_MAGIC):
            raise refuse.program(self.container, path)
        if (
            head.startswith(ARCHIVE_MAGIC)
            or head[257:262] == b"ustar"
            or (head.startswith(b"BZh") and head[4:10] == b"1AY&SY")
            or extension in UNINSPECTABLE_EXTENSIONS
        ):
            raise refuse.uninspectable(self.container, path)
        watches = []
        start = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if extension in MARKUP_EXTENSIONS or _MARKUP_HEAD.search(start):
            watches.append(_Watch(refuse.active_content, _has_script))
        if entry.name.rsplit("/", 1)[-1] == "[Content_Types].xml" or extension == "rels":
            watches.append(_Watch(refuse.macro, _has_any(OOXML_MACRO_MARKERS)))
        if odf and extension == "xml":
            watches.append(_Watch(refuse.macro, _has_any(ODF_MACRO_MARKERS)))
        if head.startswith(OLE_MAGIC):
            watches.append(_Watch(refuse.macro, _has_any(OLE_MACRO_MARKERS), lower=False))
        spool = None
        if head.startswith(ZIP_MAGIC):
            if depth >= self.limits.nesting:
                raise refuse.nested_too_deep(self.container, path, self.limits.nesting)
            spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by _entry
                max_size=SPOOL_IN_MEMORY, dir=self.spool_dir
            )
        return watches, spool


def inspect_container(fh: IO[bytes], upload_name: str) -> Listing:
    """Inspect the ZIP-based file ``fh`` (an archive, an OOXML or OpenDocument file) as
    uploaded under ``upload_name``; raises EvidenceRefused with what was found. Leaves
    ``fh`` at its start."""
    size = zipreader.size_of(fh)
    inspection = _Inspection(
        container=refuse.container_label(upload_name),
        upload_size=size,
        limits=Limits.from_settings(),
        spool_dir=settings.FILE_UPLOAD_TEMP_DIR or None,
    )
    try:
        return inspection.archive(fh, size, "", 0)
    finally:
        fh.seek(0)
