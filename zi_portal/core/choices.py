"""Vocabularies every app shares."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """What an audit event records. Each app names its own actions here, so that the
    trail can be filtered and labelled in one place."""

    UPLOAD = "evidence.upload", _("Unggah bukti dukung")
    WITHDRAW = "evidence.withdraw", _("Tarik versi")
    REVIEW = "evidence.review", _("Reviu bukti dukung")
    REPLY = "evidence.reply", _("Balasan reviu")
    ROLE_CHANGE = "user.roles", _("Ubah peran pengguna")
    PIC_ASSIGN = "cell.pic", _("Ubah PIC sel")
    MEMBER_ADD = "pokja.member_add", _("Tambah anggota pokja")
    MEMBER_REMOVE = "pokja.member_remove", _("Keluarkan anggota pokja")
    ACTIVITY_MONTHS = "activity.months", _("Ubah bulan kegiatan")
    REALISATION = "activity.realisation", _("Catat realisasi kegiatan")
    LKE_MASTER = "lke.master", _("Muat master soal LKE")
    LKE_ANSWER = "lke.answer", _("Ubah jawaban LKE")
    LKE_IMPORT = "lke.import", _("Impor jawaban LKE")
    API_TOKEN_CREATE = "account.api_token_create", _("Buat token API")
    API_TOKEN_REVOKE = "account.api_token_revoke", _("Cabut token API")
    LKE_TOKEN_ISSUE = "lke.token_issue", _("Buat token PortalRB")
    LKE_TOKEN_REVOKE = "lke.token_revoke", _("Cabut token PortalRB")
    LKE_PROPOSAL = "lke.proposal", _("Ubah usulan PortalRB")
    LKE_PREDICATE = "lke.predicate", _("Catat predikat")
    FINDING_RECORD = "finding.record", _("Catat temuan")
    FINDING_FOLLOW_UP = "finding.follow_up", _("Catat tindak lanjut temuan")
    FINDING_DECIDE = "finding.decide", _("Putuskan tindak lanjut temuan")
    NARRATIVE = "area.narrative", _("Ubah narasi area")
    SURVEY_CREATE = "survey.create", _("Buat survei")
    SURVEY_STATUS = "survey.status", _("Buka atau tutup survei")
    SURVEY_QUESTIONS = "survey.questions", _("Ubah pertanyaan survei")
    SURVEY_SERVICE = "survey.service", _("Ubah jenis layanan survei")
    SURVEY_RESPONSE_EXCLUDE = "survey.response_exclude", _("Kecualikan respons survei")
    SURVEY_RESPONSE_ADMIT = "survey.response_admit", _("Terima respons survei bertanda")
    SURVEY_RESPONSE_IMPORT = "survey.response_import", _("Impor respons survei")
    SURVEY_FOLLOW_UP = "survey.follow_up", _("Jadikan temuan dari hasil survei")
    SURVEY_LKE_TAKEOVER = "survey.lke_takeover", _("Ambil nilai survei ke LKE")
    UNIT_SWITCH = "account.unit_switch", _("Pindah unit kerja")
    UNIT_CREATE = "ministry.unit_create", _("Buat unit kerja")
    YEAR_START = "ministry.year_start", _("Mulai tahun program unit")
    ASSESSOR_ASSIGN = "evaluation.assign", _("Tugaskan asesor")
    LKE_EVALUATE = "evaluation.decide", _("Nilai soal LKE (sesuai atau kirim balik)")
    LKE_EVALUATE_REPLY = "evaluation.reply", _("Jawab kiriman balik asesor")
    EVALUATION_STAGE = "evaluation.stage", _("Catat tahap evaluasi")
    PMPZI_PREREQUISITES = "pmpzi.prerequisites", _("Ubah syarat pengusulan PMPZI")
    PMPZI_DEADLINE = "pmpzi.deadline", _("Tetapkan batas pengusulan PMPZI")
    PMPZI_PROPOSE = "pmpzi.propose", _("Usulkan unit ke TPN (PMPZI)")
