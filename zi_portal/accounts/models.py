"""People who use the portal. Sign-in is by e-mail; roles are Django groups."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .permissions import RestrictedQuerySet


class UserQuerySet(RestrictedQuerySet):
    """People belong to one unit; ``restrict`` gives a unit's people to its Ketua Tim
    (accounts, roles, pokja members, finding owners) and to nobody else."""

    unit_field = "unit"


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person at the unit: Ketua Tim ZI, Kepala Pusbang, a PIC, a pokja member or a
    TPI assessor (the role is a group, see ``roles.py``)."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("alamat e-mail"), unique=True)
    name = models.CharField(_("nama lengkap"), max_length=150)
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "workplan.Unit",
        verbose_name=_("unit kerja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    preferred_language = models.CharField(
        _("bahasa"),
        max_length=8,
        choices=[("id", "Bahasa Indonesia"), ("en", "English")],
        default="id",
    )

    receive_digest = models.BooleanField(
        _("terima ringkasan mingguan"),
        default=True,
        help_text=_(
            "Ringkasan mingguan untuk pimpinan. Pemberitahuan keterlambatan butir "
            "milik sendiri tidak dapat dimatikan."
        ),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = pgettext_lazy("jamak", "pengguna")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email
