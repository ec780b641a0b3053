"""Peak memory of the gunicorn worker while evidence files of 1, 10 and 50 MB are uploaded.

Starts the real app server (gunicorn, one sync worker, the production settings) on a
throw-away SQLite database and media folder, signs in through the API as the PW PIC,
uploads files with a streaming client (the multipart body is sent from the file on disk
in 1 MB pieces, never built in memory) and one byte over the 50 MB limit (must be
refused with 413), then downloads the last 50 MB file twice. After
each request it reads the worker's ``VmHWM`` (peak resident set) from
``/proc/<pid>/status``; before each request it resets that peak
(``echo 5 > /proc/<pid>/clear_refs``) so that the per-request peak can be read as well.
Usage:

    .venv/bin/python bench/upload_memory.py                # local folder, then S3
    .venv/bin/python bench/upload_memory.py --storage fs   # only the local media folder

``--storage fs`` stores in the local media folder (FileSystemStorage). ``--storage s3``
points the same server at moto's S3 server on loopback, as docker-compose points it at
MinIO, through the AWS_* variables, so the app's own S3 configuration is measured
(``s3_storage()`` in zi_portal/core/storage.py). Prints a Markdown report and saves it to
bench/RESULTS-upload-memory.md. Timings and sizes are for reading, never asserted; only
the HTTP answers, the stored bytes and the cleanup of upload temp files are checked.

This script is the entry point; the work is done in bench/upload_server.py (the gunicorn
and moto processes, /proc), bench/upload_measure.py (the HTTP client and the measured
requests) and bench/upload_report.py (the Markdown report).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.upload_measure import run_storage  # noqa: E402
from bench.upload_report import report  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS-upload-memory.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", choices=["fs", "s3", "all"], default="all")
    parser.add_argument("--repeat", type=int, default=5, help="runs of the 50 MB upload")
    parser.add_argument(
        "--collectstatic", action="store_true", help="run collectstatic first (not needed)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp folders")
    parser.add_argument("--no-save", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args()
    args.sizes = [1, 10, 50]
    if not Path("/proc/self/status").exists():
        sys.exit("needs Linux /proc to read the worker's VmHWM")

    storages = ["fs", "s3"] if args.storage == "all" else [args.storage]
    results = [run_storage(storage, args) for storage in storages]
    argv = [".venv/bin/python", "bench/upload_memory.py", *sys.argv[1:]]
    text = report(results, argv)
    print(text)
    if not args.no_save:
        RESULTS.write_text(text + "\n")


if __name__ == "__main__":
    main()
