"""What an LKE answer may be: the value for the question's type, notes and support
texts a database and a spreadsheet can keep. Every refusal says, in the person's
language, what was wrong and what is accepted."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from zi_portal.core.errors import Refused

from . import scoring


class LkeRefused(Refused):
    """An input the LKE cannot take; ``message`` says in the user's language what was wrong
    and what is accepted; ``soal_id`` the question it is about, if one."""

    def __init__(self, message: str, *, soal_id: int | None = None):
        super().__init__(message)
        self.soal_id = soal_id


_COUNT_RE = re.compile(r"^\d{1,9}$")


def clean_value(question: scoring.Question, raw: Any) -> str:
    """The answer as stored (and sent to PortalRB), or LkeRefused in Indonesian."""
    if raw is None:
        return ""
    text = str(raw).strip()
    if not text:
        return ""
    kind = question.answer_type
    if kind in scoring.CHOICE_TYPES:
        for option in question.options:
            if option.key.lower() == text.lower():
                return option.key
        keys = " / ".join(o.key for o in question.options)
        raise LkeRefused(
            _("Jawaban “%(v)s” tidak dikenal untuk soal %(id)s. Pilihan yang diterima: %(k)s.")
            % {"v": text[:40], "id": question.soal_id, "k": keys},
            soal_id=question.soal_id,
        )
    if kind == scoring.COUNT:
        if not _COUNT_RE.match(text):
            raise LkeRefused(
                _(
                    "Soal %(id)s meminta jumlah: isi bilangan bulat 0 atau lebih tanpa titik "
                    "atau koma (bukan “%(v)s”)."
                )
                % {"id": question.soal_id, "v": text[:40]},
                soal_id=question.soal_id,
            )
        return str(int(text))
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        value = None
    if (
        value is None
        or not value.is_finite()
        or not 0 <= value <= 4
        or value.as_tuple().exponent < -2
    ):
        raise LkeRefused(
            _(
                "Soal %(id)s meminta nilai survei 0 sampai 4 dengan paling banyak dua angka "
                "desimal, misalnya 3,60 (bukan “%(v)s”)."
            )
            % {"id": question.soal_id, "v": text[:40]},
            soal_id=question.soal_id,
        )
    if value == 0:
        value = Decimal(0)  # "-0" is zero
    return f"{value:.2f}"


_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def clean_text(text: str | None, *, soal_id: int) -> str:
    """A note or support text as stored: line breaks normalised (a vertical tab or form
    feed pasted from a word processor becomes a new line); other control characters
    are refused, since neither the database nor a spreadsheet can keep them."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\v", "\n").replace("\f", "\n").strip()
    if _CONTROL_RE.search(text):
        raise LkeRefused(
            _(
                "Catatan atau bukti dukung soal %(id)s memuat karakter kendali yang tidak "
                "dapat disimpan. Ketik ulang teksnya tanpa karakter tersebut."
            )
            % {"id": soal_id},
            soal_id=soal_id,
        )
    return text
