from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workplan.models import Unit
from zi_portal.accounts.permissions import Action

from .models import Category, Predicate


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TokenForm(_Form):
    name = forms.CharField(
        label=_("Nama token"),
        max_length=100,
        help_text=_("Misalnya “PortalRB produksi 2026”, agar mudah dikenali saat dicabut."),
    )


def _year_field():
    return forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)


class _UnitForm(_Form):
    """A form that names a unit: the choices are the units the person manages."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = (
            Unit.objects.all() if user is None else Unit.objects.restrict(user, Action.MANAGE_LKE)
        )
        self.fields["unit"].queryset = units


class ProposalForm(_UnitForm):
    unit = forms.ModelChoiceField(
        label=_("Unit kerja"), queryset=Unit.objects.none(), empty_label=_("— pilih unit —")
    )
    year = _year_field()
    category = forms.ChoiceField(label=_("Kategori"), choices=Category.choices)
    afirmasi = forms.BooleanField(label=_("Unit afirmasi"), required=False)


class PredicateForm(_UnitForm):
    unit = forms.ModelChoiceField(
        label=_("Unit kerja"), queryset=Unit.objects.none(), empty_label=_("— pilih unit —")
    )
    kind = forms.ChoiceField(label=_("Predikat"), choices=Predicate.Kind.choices)
    year = _year_field()
    decree = forms.CharField(label=_("Nomor keputusan"), max_length=255, required=False)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("Tahun perolehan predikat tidak boleh di masa depan."))
        return year
