"""Forms of the ministry's pages (validation only; writes happen in services)."""

from __future__ import annotations

import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workplan.choices import AREA_ORDER
from workplan.models import WorkPlan

PLAN_FILE_MAX = 2 * 1024 * 1024

EMAIL_ERRORS = {
    "invalid": _("Alamat e-mail tidak valid. Contoh yang benar: nama@komdigi.go.id."),
}


def _person(prefix: str, label: str, required: bool) -> dict[str, forms.Field]:
    return {
        f"{prefix}_email": forms.EmailField(
            label=_("E-mail %(who)s") % {"who": label},
            required=required,
            max_length=254,
            error_messages={
                **EMAIL_ERRORS,
                "required": _("Isi e-mail %(who)s.") % {"who": label},
            },
        ),
        f"{prefix}_name": forms.CharField(
            label=_("Nama %(who)s") % {"who": label},
            required=False,
            max_length=150,
            help_text=_("Wajib untuk akun baru; akun yang sudah ada memakai namanya sendiri."),
        ),
    }


class UnitForm(forms.Form):
    code = forms.SlugField(
        label=_("Kode unit"),
        max_length=50,
        help_text=_("Huruf, angka dan tanda hubung, mis. BBPSDMP-MEDAN."),
        error_messages={
            "required": _("Isi kode unit."),
            "invalid": _(
                "Kode unit hanya boleh berisi huruf, angka, tanda hubung dan garis bawah."
            ),
        },
    )
    name = forms.CharField(
        label=_("Nama unit"), max_length=255, error_messages={"required": _("Isi nama unit.")}
    )
    short_name = forms.CharField(
        label=_("Nama singkat"),
        max_length=100,
        error_messages={"required": _("Isi nama singkat unit (tampil di kepala halaman).")},
    )
    parent_name = forms.CharField(label=_("Instansi induk"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_person("kepala", _("Kepala unit"), True))
        self.fields.update(_person("ketua", _("Ketua Tim ZI"), True))

    def clean_code(self) -> str:
        return self.cleaned_data["code"].upper()

    def clean(self):
        data = super().clean()
        if data.get("kepala_email") and data.get("kepala_email") == data.get("ketua_email"):
            self.add_error(
                "ketua_email",
                _("Kepala unit dan Ketua Tim ZI harus dua akun yang berbeda."),
            )
        return data


SOURCES = [
    ("previous", _("Salin rencana kerja tahun sebelumnya unit ini")),
    ("template", _("Pakai rencana kerja unit lain sebagai templat")),
    ("file", _("Muat berkas rencana kerja (JSON zi-portal-plan/1)")),
]


class YearStartForm(forms.Form):
    year = forms.IntegerField(
        label=_("Tahun"),
        min_value=2020,
        max_value=2100,
        error_messages={
            "required": _("Isi tahun program."),
            "min_value": _("Tahun paling awal 2020."),
            "max_value": _("Tahun paling akhir 2100."),
        },
    )
    source = forms.ChoiceField(
        label=_("Sumber rencana kerja"),
        choices=SOURCES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih sumber rencana kerja.")},
    )
    template = forms.ModelChoiceField(
        label=_("Rencana kerja templat"),
        queryset=WorkPlan.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Pilih rencana kerja templat dari daftar.")},
    )
    plan_file = forms.FileField(label=_("Berkas rencana kerja"), required=False)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["year"].initial = timezone.localdate().year + 1
        self.fields["template"].queryset = (
            WorkPlan.objects.exclude(unit=unit)
            .select_related("unit")
            .order_by("-year", "unit__name")
        )
        self.fields["template"].label_from_instance = lambda p: f"{p.year} · {p.unit.short_name}"
        for code in AREA_ORDER:
            for name, field in _person(f"pic_{code.lower()}", f"PIC {code}", False).items():
                self.fields[name] = field
        self.area_fields = [
            (code, self[f"pic_{code.lower()}_email"], self[f"pic_{code.lower()}_name"])
            for code in AREA_ORDER
        ]

    def clean_plan_file(self):
        upload = self.cleaned_data.get("plan_file")
        if upload is None:
            return None
        if upload.size > PLAN_FILE_MAX:
            raise forms.ValidationError(
                _("Berkas rencana kerja terlalu besar (paling besar 2 MB).")
            )
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise forms.ValidationError(
                _(
                    "Berkas itu bukan JSON yang terbaca. Yang diterima: berkas zi-portal-plan/1 "
                    "(UTF-8), seperti hasil export_plan --format json."
                )
            ) from None

    def clean(self):
        data = super().clean()
        source = data.get("source")
        if source == "template" and not data.get("template"):
            self.add_error("template", _("Pilih rencana kerja unit lain yang dijadikan templat."))
        if source == "file" and not data.get("plan_file") and "plan_file" not in self.errors:
            self.add_error("plan_file", _("Pilih berkas rencana kerja yang akan dimuat."))
        data["pics"] = {
            code: (data[f"pic_{code.lower()}_email"], data.get(f"pic_{code.lower()}_name", ""))
            for code in AREA_ORDER
            if data.get(f"pic_{code.lower()}_email")
        }
        return data


class AssignForm(forms.Form):
    year = forms.IntegerField(
        label=_("Tahun evaluasi"),
        min_value=2020,
        max_value=2100,
        error_messages={"required": _("Isi tahun evaluasi.")},
    )
    email = forms.EmailField(
        label=_("E-mail asesor"),
        max_length=254,
        error_messages={**EMAIL_ERRORS, "required": _("Isi e-mail asesor.")},
    )
    name = forms.CharField(
        label=_("Nama asesor"),
        max_length=150,
        required=False,
        help_text=_("Wajib untuk akun baru; akun yang sudah ada memakai namanya sendiri."),
    )
    is_lead = forms.BooleanField(label=_("Ketua tim asesor"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
