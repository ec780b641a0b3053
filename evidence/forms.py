"""Forms of the evidence pages (validation of plain fields; files are checked by
``validation.check_file`` inside the service)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zi_portal.core.widgets import Select

from .choices import Decision, ReviewState


class UploadMetaForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan singkat"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence_date = forms.DateField(
        label=_("Tanggal bukti dukung"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_(
            "Tanggal yang dirujuk bukti dukung (misalnya tanggal rapat), boleh berbeda dari "
            "tanggal unggah."
        ),
        error_messages={"invalid": _("Tanggal bukti dukung tidak valid. Contoh: 02/03/2026.")},
    )


class LinkForm(UploadMetaForm):
    url = forms.CharField(
        label=_("Tautan publikasi"),
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        error_messages={"required": _("Isi alamat tautan (http:// atau https://).")},
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Keputusan"), choices=Decision.choices)
    comment = forms.CharField(
        label=_("Komentar untuk PIC"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Alasan penarikan"), required=False, max_length=2000)


class QueueFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), required=False, widget=Select)
    quarter = forms.TypedChoiceField(
        label=_("Triwulan"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=Select,
        choices=[("", _("Semua")), (1, "TW I"), (2, "TW II"), (3, "TW III"), (4, "TW IV")],
    )
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=Select,
        choices=[
            (ReviewState.PENDING, _("Menunggu reviu")),
            (ReviewState.REVISE, _("Perlu revisi")),
            (ReviewState.APPROVED, _("Disetujui")),
            ("all", _("Semua")),
        ],
    )

    def __init__(self, *args, area_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Semua"))] + [(c, c) for c in area_codes]


class AuditFilterForm(forms.Form):
    butir = forms.CharField(
        label=_("Butir"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("nama butir, mis. notulen")}),
    )
    # An item's own page links to its trail by id (hidden; people filter by name).
    requirement = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    area = forms.ChoiceField(label=_("Area"), required=False, widget=Select)
    user = forms.ChoiceField(label=_("Pengguna"), required=False, widget=Select)
    date_from = forms.DateField(
        label=_("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, area_codes=(), users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Semua"))] + [(c, c) for c in area_codes]
        self.fields["user"].choices = [("", _("Semua"))] + [(str(u.pk), u.name) for u in users]
