"""Upload handling: every uploaded file goes to a temporary file on disk (never whole
into memory), and a file is abandoned as soon as it passes the evidence size limit, so
a runaway upload neither fills memory nor the disk. The view then refuses it (413).
When the disk fills while a request is read, its temporary files are removed at once
(the 507 answer is zi_portal.core.views.server_error).

The file's SHA-256 is computed here, as its pieces arrive, and handed to
``validation.check_file`` with the file, so the file is never read a second time for
it (issue 15, bench/upload_speed.py)."""

import contextlib
import hashlib

from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler

from .validation import RECEIVED_SHA256, RECEIVED_SIZE, max_upload_bytes

# Pieces the multipart parser reads and hands over: 1 MiB, not Django's 64 KiB (fewer
# Python-level steps per byte; gunicorn reads a body 1 MiB at a time too). The worker
# holds a few copies of one piece at a time (gunicorn's buffers, the parser's boundary
# search): bench/upload_speed.py measures it per request. The hash runs inline, in the
# request's thread: a hashing thread of its own was faster on a quiet machine (about
# 750 against 570 MB/s) and slower under load, where a rush of uploads happens.
UPLOAD_CHUNK_BYTES = 1024 * 1024


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    chunk_size = UPLOAD_CHUNK_BYTES

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self._received = 0
        self._digest = hashlib.sha256()

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        if self._received > max_upload_bytes():
            oversize = getattr(self.request, "zi_oversize_files", [])
            oversize.append(self.file_name)
            self.request.zi_oversize_files = oversize
            self.file.close()  # a NamedTemporaryFile: closing deletes it
            raise SkipFile()
        try:
            super().receive_data_chunk(raw_data, start)
        except OSError:  # a full disk: give back its space now, not when it is collected
            self._discard_all()
            raise
        # Hashed once written, so the digest covers exactly the bytes in the file.
        self._digest.update(raw_data)

    def file_complete(self, file_size):
        try:
            received = super().file_complete(file_size)
        except OSError:
            self._discard_all()
            raise
        # What check_file trusts instead of reading the file again (it compares the size).
        setattr(received, RECEIVED_SHA256, self._digest.hexdigest())
        setattr(received, RECEIVED_SIZE, self._received)
        files = getattr(self.request, "zi_received_files", [])
        files.append(received)
        self.request.zi_received_files = files
        return received

    def _discard_all(self) -> None:
        """Close (and so delete) this file and the request's files received before it."""
        for received in [self.file, *getattr(self.request, "zi_received_files", [])]:
            with contextlib.suppress(OSError):
                received.close()


def oversize_files(request) -> list[str]:
    """Names of the files the handler abandoned for being too large."""
    return list(getattr(request, "zi_oversize_files", []))
