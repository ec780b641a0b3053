"""Fixed vocabularies of the ZI programme."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaCode(models.TextChoices):
    """The six change areas (area perubahan) of PermenPAN-RB 90/2021, canonical codes."""

    MP = "MP", "Manajemen Perubahan"
    TL = "TL", "Penataan Tatalaksana"
    SDM = "SDM", "Penataan Sistem Manajemen SDM"
    AK = "AK", "Penguatan Akuntabilitas Kinerja"
    PW = "PW", "Penguatan Pengawasan"
    PP = "PP", "Peningkatan Kualitas Pelayanan Publik"


AREA_ORDER = [c.value for c in AreaCode]

QUARTER_LABELS = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV"}

MONTH_NAMES = [
    _("Jan"),
    _("Feb"),
    _("Mar"),
    _("Apr"),
    _("Mei"),
    _("Jun"),
    _("Jul"),
    _("Agu"),
    _("Sep"),
    _("Okt"),
    _("Nov"),
    _("Des"),
]
