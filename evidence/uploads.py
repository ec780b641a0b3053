"""Upload handling: every uploaded file goes to a temporary file on disk (never whole
into memory), and a file is abandoned as soon as it passes the evidence size limit, so
a runaway upload neither fills memory nor the disk. The view then refuses it (413)."""

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
        return super().receive_data_chunk(raw_data, start)


def oversize_files(request) -> list[str]:
    """Names of the files the handler abandoned for being too large."""
    return list(getattr(request, "zi_oversize_files", []))
