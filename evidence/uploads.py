"""Upload handling: every uploaded file goes to a temporary file on disk (never whole
into memory), and a file is abandoned as soon as it passes the evidence size limit, so
a runaway upload neither fills memory nor the disk. The view then refuses it (413).
When the disk fills while a request is read, its temporary files are removed at once
(the 507 answer is zi_portal.core.views.server_error)."""

import contextlib

from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler

from .validation import max_upload_bytes


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        if self._received > max_upload_bytes():
            oversize = getattr(self.request, "zi_oversize_files", [])
            oversize.append(self.file_name)
            self.request.zi_oversize_files = oversize
            self.file.close()  # a NamedTemporaryFile: closing deletes it
            raise SkipFile()
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError:  # a full disk: give back its space now, not when it is collected
            self._discard_all()
            raise

    def file_complete(self, file_size):
        try:
            received = super().file_complete(file_size)
        except OSError:
            self._discard_all()
            raise
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
