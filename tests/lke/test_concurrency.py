"""Answers saved at the same moment (two tabs, a PIC and the Ketua Tim) are all kept:
each becomes its own revision with its own history row; none is lost or duplicated."""

import pytest

from lke import services
from lke.models import LkeAnswer, LkeAnswerChange, LkeQuestion, Side
from tests.conftest import require_postgres
from tests.evidence.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("parallel", [2, 5])
def test_simultaneous_first_saves_become_successive_revisions(demo, parallel):
    require_postgres()
    master = services.master_ensure()
    question = LkeQuestion.objects.select_related("master").get(master=master, soal_id=110)
    users = [demo["users"]["pic.pw"], demo["users"]["ketua"]]

    def job(i):
        def save():
            answer, changed = services.answer_save(
                unit=demo["plan"].unit,
                question=question,
                side=Side.UNIT,
                user=users[i % 2],
                value=str(10 + i),
                note=f"simpan {i}",
            )
            return answer.revision, changed

        return save

    results, errors = run_together([job(i) for i in range(parallel)])
    assert errors == []
    assert sorted(r for r, _changed in results) == list(range(1, parallel + 1))
    assert all(changed for _r, changed in results)
    answer = LkeAnswer.objects.get(question=question, side=Side.UNIT)
    assert answer.revision == parallel
    history = list(LkeAnswerChange.objects.filter(answer=answer).order_by("revision"))
    assert [h.revision for h in history] == list(range(1, parallel + 1))
    assert sorted(h.value for h in history) == sorted(str(10 + i) for i in range(parallel))
    assert history[-1].value == answer.value  # the current answer is the last revision
