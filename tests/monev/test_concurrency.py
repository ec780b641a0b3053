"""Two sweeps at the same moment (two workers, or beat plus an operator) send each
reminder once: the unique ReminderRecord decides, not memory."""

from datetime import date

import pytest

from monev import sweep
from monev.models import Message, ReminderRecord
from tests.conftest import require_postgres
from tests.evidence.test_concurrency import run_together
from tests.multiunit import UNIT_A

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("parallel", [2, 4])
def test_concurrent_sweeps_send_each_reminder_once(demo, parallel):
    require_postgres()
    # A Monday: in each of the two units 6 overdue notices and 2 digests are due.
    day = date(2026, 4, 13)

    def one_sweep():
        return len(sweep.run_sweep(today=day).created)

    results, errors = run_together([one_sweep] * parallel)
    assert errors == []
    assert sum(results) == 2 * 8
    assert Message.objects.count() == 2 * 8
    assert ReminderRecord.objects.count() == 2 * (6 + 2)
    per_person = Message.objects.values_list("recipient__email", "kind")
    assert len(set(per_person)) == 2 * 8
    assert Message.objects.filter(recipient__unit__code=UNIT_A).count() == 8
