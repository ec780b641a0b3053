"""People who use the portal. Sign-in is by e-mail; roles are Django groups."""

import hashlib

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .permissions import RestrictedQuerySet
from .roles import Role


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

    # How many units the person holds a role in (kept by ``units.memberships_count``):
    # the header offers a unit switch only above one, without a query for everyone else.
    unit_count = models.PositiveSmallIntegerField(_("jumlah unit"), default=0, editable=False)

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


class MembershipQuerySet(RestrictedQuerySet):
    unit_field = "unit"


class Membership(models.Model):
    """A role a person holds in a unit. ``User.unit`` is the unit the person works in
    now and their groups are their roles there; the memberships are every unit and role
    they hold, so an Inspektorat assessor can switch between the units assigned to them
    (``units.unit_switch``) and sees no other."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(
        "workplan.Unit",
        verbose_name=_("unit kerja"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("peran"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("sejak"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["unit__short_name", "role"]
        verbose_name = _("keanggotaan unit")
        verbose_name_plural = _("keanggotaan unit")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="membership_user_unit_role_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


def api_token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def of(self, user) -> "ApiTokenQuerySet":
        """A person's own tokens: nobody else lists or revokes them, not even the Ketua."""
        return self.filter(user=user) if getattr(user, "is_authenticated", False) else self.none()

    def usable(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """An API token of one person (``Authorization: Token …``). Only its SHA-256 is
    stored; the token is shown once, when it is made. It expires after
    ``ZI_API_TOKEN_DAYS``, its owner can revoke it, and a password change revokes all of
    the person's tokens."""

    PREFIX = "zia_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("awal token"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


@receiver(post_save, sender=User, dispatch_uid="api_tokens_revoke_on_password_change")
def _revoke_tokens_on_password_change(sender, instance: User, created: bool, **kwargs) -> None:
    """``set_password`` keeps the new password in ``_password`` until ``save`` has
    written it (AbstractBaseUser), whichever form changed it: allauth's change and reset,
    the admin's, ``changepassword``."""
    if not created and getattr(instance, "_password", None) is not None:
        ApiToken.objects.filter(user=instance, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
