"""The recap tests' data: the demo unit answered at random on both sides, unit B on
the unit side only, and the Inspektorat assessor assigned to both."""

from __future__ import annotations

import random

import pytest
from django.test import Client

from lke import scoring, selectors, services, stored
from lke.models import LkeAnswer, Side
from tests.multiunit import UNIT_B
from workplan.models import Unit
from zi_portal.accounts.models import User
from zi_portal.accounts.roles import Role
from zi_portal.accounts.units import membership_add

YEAR = 2026


def signed_in(email: str) -> Client:
    """A test client signed in as the account with ``email``."""
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def _answer_randomly(unit, master, side, seed: int) -> None:
    """Every scored soal of one side answered at random, through the form's service."""
    rng = random.Random(seed)
    tree = selectors.parsed_master(master)
    questions = {q.soal_id: q for q in master.questions.all()}
    for sid, q in tree.questions.items():
        if q.answer_type in scoring.CHOICE_TYPES:
            value = rng.choice(q.options).key
        elif q.answer_type == scoring.SURVEY:
            value = f"{rng.uniform(1, 4):.2f}"
        else:
            value = str(rng.randint(0, 12))
        services.answer_save(unit=unit, question=questions[sid], side=side, user=None, value=value)


@pytest.fixture
def two_units(demo):
    master = services.master_ensure()
    unit_a, unit_b = demo["plan"].unit, Unit.objects.get(code=UNIT_B)
    LkeAnswer.objects.filter(unit__in=[unit_a, unit_b]).delete()
    with stored.scores_deferred():
        _answer_randomly(unit_a, master, Side.UNIT, 1)
        _answer_randomly(unit_a, master, Side.TPI, 2)
        _answer_randomly(unit_b, master, Side.UNIT, 3)
    assessor = User.objects.get(email="inspektorat@example.org")
    membership_add(user=assessor, unit=unit_b, role=Role.TPI)
    return {**demo, "master": master, "a": unit_a, "b": unit_b, "assessor": assessor}
