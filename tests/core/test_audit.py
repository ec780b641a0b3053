"""The audit trail is append-only in the application and, on PostgreSQL, in the
database: no path changes or deletes a row, whoever sends the statement."""

import pytest
from django.db import DatabaseError, connection, transaction

from tests.conftest import require_postgres
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction
from zi_portal.core.models import AuditEvent


@pytest.fixture
def event(demo):
    ketua = demo["users"]["ketua"]
    return audit_record(
        actor=ketua,
        action=AuditAction.ROLE_CHANGE,
        obj=ketua,
        subject_user=ketua,
        summary="Ketua Tim ZI: - → Ketua Tim ZI",
        ip="10.1.2.3",
    )


def test_the_orm_refuses_bulk_updates_and_deletes(event):
    rows = AuditEvent.objects.filter(pk=event.pk)
    with pytest.raises(ValueError, match="append-only"):
        rows.update(summary="diubah")
    with pytest.raises(ValueError, match="append-only"):
        rows.delete()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    event.summary = "diubah"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).summary == "Ketua Tim ZI: - → Ketua Tim ZI"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditevent SET summary = 'diubah' WHERE id = %s",
        "UPDATE core_auditevent SET actor_id = NULL WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_changes_whoever_sends_them(event, statement):
    require_postgres()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [event.pk])
    row = AuditEvent.objects.get(pk=event.pk)
    assert (row.summary, row.actor_id, row.ip_address) == (
        "Ketua Tim ZI: - → Ketua Tim ZI",
        event.actor_id,
        "10.1.2.3",
    )


@pytest.mark.postgres
def test_postgresql_still_takes_new_rows(event):
    require_postgres()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (at, action, object_type, object_id, summary, before,"
            " after) VALUES (now(), 'user.roles', 'accounts.user', '1', 'baru', '{}', '{}')"
        )
    assert AuditEvent.objects.filter(summary="baru").count() == 1
