"""Vocabularies of surveys: kinds, states, and the respondent's optional particulars as
the SKM form of PermenPAN-RB 14/2017 asks them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zi_portal.core.choices import AuditAction


class SurveyKind(models.TextChoices):
    SKM = "skm", _("SKM (Survei Kepuasan Masyarakat)")
    IPKP = "ipkp", _("IPKP (Indeks Persepsi Kualitas Pelayanan)")
    IPAK = "ipak", _("IPAK (Indeks Persepsi Anti Korupsi)")
    INTERNAL = "internal", _("Survei internal")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    OPEN = "open", _("Dibuka")
    CLOSED = "closed", _("Ditutup")


class ResponseSource(models.TextChoices):
    FORM = "form", _("Formulir daring")
    IMPORT = "import", _("Impor")


class FlagReason(models.TextChoices):
    """Why a response is kept apart until the Ketua admits it."""

    HONEYPOT = "honeypot", _("Kolom jebakan terisi (kemungkinan robot)")
    TOO_FAST = "too_fast", _("Diisi terlalu cepat")
    RATE_LIMIT = "rate_limit", _("Terlalu banyak respons dari alamat yang sama")


class AgeBand(models.TextChoices):
    UNDER_20 = "lt20", _("Di bawah 20 tahun")
    FROM_20 = "20-29", _("20–29 tahun")
    FROM_30 = "30-39", _("30–39 tahun")
    FROM_40 = "40-49", _("40–49 tahun")
    FROM_50 = "50-59", _("50–59 tahun")
    FROM_60 = "60+", _("60 tahun ke atas")


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Education(models.TextChoices):
    SD = "sd", _("SD ke bawah")
    SMP = "smp", _("SMP")
    SMA = "sma", _("SMA")
    D123 = "d123", _("D1/D2/D3")
    S1 = "s1", _("D4/S1")
    S2 = "s2", _("S2")
    S3 = "s3", _("S3")


class Occupation(models.TextChoices):
    PNS = "pns", _("PNS")
    TNI = "tni", _("TNI")
    POLRI = "polri", _("POLRI")
    SWASTA = "swasta", _("Pegawai swasta")
    WIRAUSAHA = "wirausaha", _("Wirausaha")
    OTHER = "lainnya", _("Lainnya")


# Audit actions of surveys: named and labelled with every app's in core's AuditAction.
AUDIT_SURVEY_CREATE = AuditAction.SURVEY_CREATE
AUDIT_SURVEY_STATUS = AuditAction.SURVEY_STATUS
AUDIT_SURVEY_QUESTIONS = AuditAction.SURVEY_QUESTIONS
AUDIT_RESPONSE_EXCLUDE = AuditAction.SURVEY_RESPONSE_EXCLUDE
AUDIT_RESPONSE_ADMIT = AuditAction.SURVEY_RESPONSE_ADMIT
AUDIT_SERVICE_SAVE = AuditAction.SURVEY_SERVICE
