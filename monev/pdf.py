"""HTML to PDF with WeasyPrint for the monev reports, and the worker's warm-up.

Importing WeasyPrint takes one to two seconds (Pango, HarfBuzz, fontTools, its own
stylesheets parsed), and a process's first document loads fonts and font tables on top.
A web process never renders (it queues the build), so it must not pay that when it
starts. A Celery pool process is there to build, so ``warm_up_in_background`` (connected
to ``worker_process_init`` in monev.tasks) pays it as the pool process starts: the first
report a user waits for then takes what the later ones take. Without it the first build
of every pool process was about 1.6× WeasyPrint's own time (issue 15).

The report has no external resources (its CSS is in the page, its charts are inline SVG),
so nothing is fetched: WeasyPrint gets the HTML string and the base URL, nothing else.
"""

from __future__ import annotations

import gc
import logging
import threading
import time

log = logging.getLogger(__name__)

# One render at a time per process: a threads pool (or the warm-up thread) must not run
# two layouts side by side through Pango's font map, and CPU-bound Python gains nothing
# from two threads anyway.
_render_lock = threading.Lock()

# What the report uses, in little: its font in the weights it prints, a table and an
# inline SVG chart, so that their code and font tables are loaded too.
WARM_UP_HTML = (
    '<html lang="id" style="font-family: DejaVu Sans; font-size: 9pt"><body>'
    "<h2>Laporan</h2><p>Teks <b>tebal</b> <i>miring</i> · – ●✓◐✗</p>"
    "<table><thead><tr><th>Area</th></tr></thead><tbody><tr><td>PW</td></tr></tbody></table>"
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" width="40">'
    '<rect width="20" height="10" fill="#1f4e79"/><text x="0" y="18">50%</text></svg>'
    "</body></html>"
)


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    """The PDF of ``html`` (a whole document), relative URLs resolved against ``base_url``."""
    # Imported here, not at the top: see the module docstring (a web process never pays).
    from weasyprint import HTML

    with _render_lock:
        return HTML(string=html, base_url=base_url).write_pdf()


def warm_up() -> float:
    """Load WeasyPrint and render a small document; returns the seconds it took."""
    start = time.perf_counter()
    html_to_pdf(WARM_UP_HTML, base_url=".")
    seconds = time.perf_counter() - start
    log.info("PDF renderer loaded in %.1f s", seconds)
    return seconds


def _warm_up_quietly() -> None:
    try:
        warm_up()
    except Exception:  # noqa: BLE001 - a build would then load it, and say what fails
        log.exception("PDF renderer warm-up failed")
    # What the pool process holds now (Django, the apps, Celery, WeasyPrint) lives as
    # long as the process: frozen, the garbage collector stops walking it on every full
    # collection, and a layout, which makes hundreds of thousands of objects, triggers
    # about ten. Without it WeasyPrint took 5–10 % more CPU in a worker than on its own.
    gc.collect()
    gc.freeze()


def warm_up_in_background() -> threading.Thread:
    """``warm_up`` in a daemon thread, then the process's objects frozen. Not inline:
    Celery kills a pool process whose ``worker_process_init`` handlers take over 4
    seconds, and a loaded machine can take that long to import WeasyPrint. A build that
    starts meanwhile waits for the import (Python's import lock) or the render lock,
    never loads it twice."""
    thread = threading.Thread(target=_warm_up_quietly, name="zi-pdf-warm-up", daemon=True)
    thread.start()
    return thread
