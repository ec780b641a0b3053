from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    FITS = "sesuai", _("Sesuai")
    SEND_BACK = "kirim_balik", _("Kirim balik")


class QuestionState(models.TextChoices):
    """Where a question stands in the desk evaluation (from its newest round)."""

    OPEN = "belum", _("Belum dinilai")
    FITS = "sesuai", _("Sesuai")
    WITH_UNIT = "di_unit", _("Dikirim balik, menunggu unit")
    ANSWERED = "dijawab", _("Dijawab unit, menunggu asesor")


class StageKind(models.TextChoices):
    """The tiers of the evaluation: a member proposes the desk figures, the lead
    confirms them, then the field evaluation."""

    PROPOSED = "usulan", _("Usulan anggota (evaluasi dokumen)")
    CONFIRMED = "konfirmasi", _("Konfirmasi ketua tim (evaluasi dokumen)")
    FIELD = "lapangan", _("Evaluasi lapangan")


# Grades of SAKIP and Indeks RB, best first (PermenPAN-RB 5/2024, Tabel 5).
GRADES = ("AA", "A", "BB", "B", "CC", "C", "D")


class Prerequisite(models.TextChoices):
    """The proposal prerequisites of PermenPAN-RB 5/2024 (Tabel 5), for a ministry."""

    BPK_OPINION = "opini_bpk", _("Opini BPK atas laporan keuangan instansi")
    SAKIP = "sakip", _("Predikat SAKIP instansi")
    INDEKS_RB = "indeks_rb", _("Indeks Reformasi Birokrasi instansi")
    SPIP = "spip", _("Level maturitas SPIP instansi")
    CORE_SERVICE = "core_layanan", _("Unit merupakan core layanan instansinya")
    IMPACT = "dampak", _("Unit berdampak signifikan pada persepsi masyarakat")
    TLHP = "tlhp", _("Penyelesaian tindak lanjut hasil pengawasan APIP/BPK (%)")
    LHKPN = "lhkpn", _("Kepatuhan penyampaian LHKPN dan LHKASN (%)")
    ZI_SINCE = "zi_sejak", _("Pembangunan ZI dimulai sejak (tanggal)")
    SAKIP_UNIT = "sakip_unit", _("Predikat SAKIP unit dari evaluasi internal")
