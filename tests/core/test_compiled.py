"""core.compiled: a queryset compiled once runs with each new value as the ORM would."""

import pytest

from workplan.models import ChangeArea as Area
from zi_portal.core.compiled import CompiledQuery


def test_the_compiled_query_returns_what_the_queryset_returns(demo):
    query = CompiledQuery(lambda code: Area.objects.filter(code=code).order_by())
    for code in ("MP", "PW", "XX"):
        assert [a.pk for a in query.run(code)] == [
            a.pk for a in Area.objects.filter(code=code).order_by()
        ]


def test_a_query_using_its_value_twice_or_never_is_refused(db):
    with pytest.raises(ValueError, match="exactly once"):
        CompiledQuery(lambda code: Area.objects.filter(code="MP").order_by()).run("PW")
