"""Monitoring's answers to what the apps below it report (connected in ``apps.py``)."""

from django.conf import settings
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from evaluation.signals import replied, sent_back
from evidence.signals import reply_posted, revision_requested
from workplan.models import CommitmentCell
from workplan.stamps import stamp_on_save
from zi_portal.accounts.roles import GROUP_NAMES, Role
from zi_portal.core.queue import enqueue

from .choices import ReminderKind
from .models import ActivityRealisation, Notification

# A realisation changes the dashboard's Gantt: it stamps its plan (workplan.stamps).
stamp_on_save(ActivityRealisation, "pokjas__activities", "activity_id")


@receiver(revision_requested, dispatch_uid="monev.queue_revision_notice")
def queue_revision_notice(sender, review, **kwargs) -> None:
    """Tell the uploader after the batching window, so that several revision requests
    made close together arrive as one message (``sweep.notify_revisions``)."""
    enqueue(
        "monev.tasks.notify_revisions",
        review.version.uploaded_by_id,
        countdown=settings.ZI_REVISION_BATCH_MINUTES * 60,
    )


@receiver(revision_requested, dispatch_uid="monev.notify_revision_in_portal")
def notify_revision_in_portal(sender, review, **kwargs) -> None:
    """The uploader sees a revision request in the portal at once, with the reviewer's
    comment; only the e-mail waits for the batching window (its twin notification is
    not made again, see ``sweep.deliver``)."""
    version = review.version
    uploader = version.uploaded_by
    with translation.override(uploader.preferred_language or settings.LANGUAGE_CODE):
        Notification.objects.create(
            recipient=uploader,
            kind=ReminderKind.REVISION,
            title=_("Perlu revisi: %(item)s") % {"item": version.requirement.text[:200]},
            body=_("%(who)s meminta revisi %(label)s: %(comment)s")
            % {"who": review.reviewer.name, "label": version.label, "comment": review.comment},
            url=reverse("evidence:item", args=[version.requirement_id]) + f"#v{version.number}",
        )


@receiver(reply_posted, dispatch_uid="monev.notify_reply")
def notify_reply(sender, reply, recipient_ids, **kwargs) -> None:
    """Tell the other side of the conversation in the portal (no e-mail: a reply is a
    conversation, not a deadline), in the same transaction as the reply."""
    version = reply.version
    requirement = version.requirement
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(who)s membalas pada %(label)s, butir %(order)s %(cell)s") % {
            "who": reply.author.name,
            "label": version.label,
            "order": requirement.order,
            "cell": requirement.cell,
        }
    url = reverse("evidence:item", args=[requirement.pk]) + f"#v{version.number}"
    Notification.objects.bulk_create(
        Notification(
            recipient_id=pk,
            kind=ReminderKind.REPLY,
            title=title[:255],
            body=reply.text,
            url=url,
        )
        for pk in recipient_ids
    )


def _evaluation_url(row) -> str:
    code = row.question.area_code or "HASIL"
    year = row.question.master.year
    return reverse("evaluation:area", args=[year, code]) + f"#soal-{row.question.soal_id}"


@receiver(sent_back, dispatch_uid="monev.notify_sent_back")
def notify_sent_back(sender, round, **kwargs) -> None:
    """The PICs of the question's area (the Ketua Tim for the Hasil part) see a question
    the assessor sent back, with the note, in the same transaction."""
    question = round.question
    if question.area_code:
        cells = CommitmentCell.objects.filter(
            quarter__plan__unit=round.unit,
            quarter__plan__year=question.master.year,
            area__code=question.area_code,
            pic__isnull=False,
        )
        recipients = {c.pic for c in cells.select_related("pic")}
    else:
        ketua = GROUP_NAMES[Role.KETUA]
        recipients = set(round.unit.users.filter(groups__name=ketua, is_active=True))
    for person in recipients:
        with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
            Notification.objects.create(
                recipient=person,
                kind=ReminderKind.EVALUATION,
                title=_("Soal LKE %(soal)s dikirim balik asesor") % {"soal": question.soal_id},
                body=_("%(who)s: %(note)s") % {"who": round.decided_by.name, "note": round.note},
                url=_evaluation_url(round),
            )


@receiver(replied, dispatch_uid="monev.notify_evaluation_reply")
def notify_evaluation_reply(sender, round, **kwargs) -> None:
    """The assessor who sent the question back sees the unit's answer."""
    person = round.decided_by
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        Notification.objects.create(
            recipient=person,
            kind=ReminderKind.EVALUATION,
            title=_("Unit menjawab kiriman balik soal %(soal)s") % {"soal": round.question.soal_id},
            body=_("%(who)s: %(reply)s") % {"who": round.replied_by.name, "reply": round.reply},
            url=_evaluation_url(round),
        )
