"""Forms of the work-plan pages (validation only; writes happen in services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import MONTH_NAMES


class ActivityMonthsForm(forms.Form):
    months = forms.TypedMultipleChoiceField(
        label=_("Bulan rencana"),
        choices=[(i, name) for i, name in enumerate(MONTH_NAMES, start=1)],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=True,
        error_messages={
            "required": _("Pilih paling sedikit satu bulan (Jan–Des) untuk kegiatan ini."),
            "invalid_choice": _("Bulan tidak dikenal. Pilih di antara Jan–Des."),
        },
    )


class PokjaMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail anggota"),
        max_length=254,
        error_messages={
            "required": _("Isi alamat e-mail akun yang akan ditambahkan."),
            "invalid": _("Alamat e-mail tidak valid. Contoh yang benar: nama@komdigi.go.id."),
        },
    )
