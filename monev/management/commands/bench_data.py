"""``manage.py bench_data``: synthetic units for benchmarks; what they hold, and how
they are written, is described in monev/synthetic.py.

    python manage.py bench_data --units 200 [--versions 5] [--year 2026] [--seed 1]
"""

from __future__ import annotations

import json
import time
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError

from monev.synthetic import PLAN_FILE, items_count, unit_code, units_create, units_with_plan


class Command(BaseCommand):
    help = "Create synthetic units, plans, accounts, evidence versions and reviews for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=200, help="How many units (200).")
        parser.add_argument(
            "--versions", type=int, default=5, help="Versions per required item (5)."
        )
        parser.add_argument("--year", type=int, default=2026, help="Plan year (2026).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (1).")
        parser.add_argument("--prefix", default="BENCH", help="Unit code prefix (BENCH).")

    def handle(self, *args, units: int, versions: int, year: int, seed: int, prefix: str, **opts):
        if units < 1 or versions < 0:
            raise CommandError("--units must be at least 1 and --versions at least 0.")
        started = time.perf_counter()
        try:
            fixture = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {PLAN_FILE}: {exc}") from exc
        codes = [unit_code(prefix, i) for i in range(1, units + 1)]
        done = units_with_plan(codes, year)
        todo = [c for c in codes if c not in done]
        totals = defaultdict(int)
        for batch, created in units_create(
            todo, fixture=fixture, year=year, versions=versions, seed=seed
        ):
            for key, value in created.items():
                totals[key] += value
            if opts.get("verbosity", 1) >= 2:
                self.stdout.write(
                    f"  {batch[0]}…{batch[-1]}: {time.perf_counter() - started:.1f} s so far"
                )
        items = items_count(todo, year)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"bench_data: {len(todo)} units created, {len(done)} already present (skipped); "
            f"{totals['plans']} plans, {items} required items, "
            f"{totals['versions']} versions, {totals['reviews']} reviews, "
            f"{totals['realisations']} activity realisations; "
            f"{seconds:.1f} s (plan_import {totals['import_seconds']:.1f} s, "
            f"versions/reviews/realisations {totals['fill_seconds']:.1f} s)."
        )
