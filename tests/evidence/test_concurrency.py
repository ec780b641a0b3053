"""Two uploads to the same item at the same moment both succeed as distinct versions
(row lock on the requirement plus the unique (requirement, number) constraint)."""

import threading

import pytest
from django.db import connection

from evidence import services
from evidence.models import EvidenceVersion
from tests.conftest import require_postgres
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(jobs):
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def worker(job):
        try:
            barrier.wait(timeout=10)
            results.append(job())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.parametrize("parallel", [2, 6])
def test_simultaneous_uploads_become_distinct_versions(demo, parallel):
    require_postgres()
    item = EvidenceRequirement.objects.get(
        cell__quarter__plan__unit__code=UNIT_A,
        cell__quarter__number=2,
        cell__area__code="PW",
        text="Laporan monitoring:",
    )
    pic = demo["users"]["pic.pw"]

    def job(i):
        return lambda: (
            services.evidence_upload_file(
                requirement=item,
                upload=samples.upload(f"f{i}.pdf", samples.pdf(f"isi {i}")),
                user=pic,
            ).number
        )

    results, errors = run_together([job(i) for i in range(parallel)])
    assert errors == []
    assert sorted(results) == list(range(1, parallel + 1))
    numbers = sorted(
        EvidenceVersion.objects.filter(requirement=item).values_list("number", flat=True)
    )
    assert numbers == list(range(1, parallel + 1))


def test_simultaneous_identical_uploads_keep_one(demo):
    require_postgres()
    item = EvidenceRequirement.objects.get(
        cell__quarter__plan__unit__code=UNIT_A,
        cell__quarter__number=2,
        cell__area__code="PW",
        text="Laporan monitoring:",
    )
    pic = demo["users"]["pic.pw"]

    def job():
        return services.evidence_upload_file(
            requirement=item, upload=samples.upload("sama.pdf", samples.pdf("sama")), user=pic
        ).number

    results, errors = run_together([job, job, job])
    assert results == [1]
    assert len(errors) == 2 and all(getattr(e, "code", None) == "duplicate" for e in errors)
    assert EvidenceVersion.objects.filter(requirement=item).count() == 1
    # The refused copies were removed from storage again: one file remains.
    from tests.evidence.test_services import stored_files

    assert len(stored_files()) == 1
