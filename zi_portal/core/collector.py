"""Python's cyclic garbage collector during bulk work. The collector runs a young pass
every 700 new container objects and, every hundred of those, walks every object the
process holds (Django's own are about 180,000). A reminder sweep over 1,000 units
makes millions of short-lived rows and keeps a batch of them at a time: with the
default thresholds the collector took a fifth of the sweep (2.1 of 11.2 s, thirteen
full passes; bench/sweep.py). Reference counting frees almost everything the sweep
makes; the collector is only needed for cycles, which the sweep hardly creates, so it
runs rarely while the sweep does and normally again after."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# New container objects between young passes during bulk work (default 700).
BULK_THRESHOLD = 200_000


@contextmanager
def rare_collections(threshold: int = BULK_THRESHOLD) -> Iterator[None]:
    """Run the block with young passes every ``threshold`` allocations instead of 700;
    the previous thresholds come back after it, whatever happens inside."""
    before = gc.get_threshold()
    gc.set_threshold(max(threshold, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
