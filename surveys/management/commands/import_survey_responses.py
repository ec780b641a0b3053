"""Import responses collected elsewhere (paper forms, Google Forms) into a survey from a
CSV or XLSX file (see ``surveys/imports.py`` for the columns). All rows, or none."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from surveys.errors import SurveyRefused
from surveys.imports import ImportRefused, responses_import
from surveys.models import Survey
from zi_portal.accounts.models import User


class Command(BaseCommand):
    help = (
        "Import survey responses from a CSV (UTF-8, comma or semicolon) or XLSX file: a "
        "'layanan' column, one column per question (code or position, values 1-4), "
        "optional usia, jenis_kelamin, pendidikan, pekerjaan. All rows are imported, or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("survey_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user",
            help="E-mail of the Ketua Tim recorded as the importer (default: none, the "
            "command line).",
        )

    def handle(self, *args, survey_id: int, file: Path, user: str | None, **options):
        # Messages in Indonesian, as on the survey page.
        translation.activate("id")
        survey = Survey.objects.filter(pk=survey_id).first()
        if survey is None:
            raise CommandError(f"Survei #{survey_id} tidak ada.")
        importer = None
        if user:
            importer = User.objects.filter(email__iexact=user.strip()).first()
            if importer is None:
                raise CommandError(f"Pengguna {user} tidak ada.")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Berkas {file} tidak dapat dibaca: {exc}") from exc
        try:
            record = responses_import(survey=survey, data=data, filename=file.name, user=importer)
        except ImportRefused as exc:
            for line in exc.lines:
                self.stderr.write(line)
            raise CommandError(
                f"Impor dibatalkan; tidak ada respons yang disimpan ({len(exc.problems)} masalah)."
            ) from exc
        except SurveyRefused as exc:
            raise CommandError(exc.message) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Survei #{survey.pk} {survey.title}: {record.rows} respons diimpor dari "
            f"{record.filename} (SHA-256 {record.sha256})."
        )
