"""A laptop: debug on, an insecure development key, everything embedded."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-0b1c6f5e8a3d4c2b9e7f")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])
# The demo signs in with the documented passwords; a server asks the Ketua and TPI for
# a second step (ZI_MFA_REQUIRED, base.py).
ZI_MFA_REQUIRED = env.bool("ZI_MFA_REQUIRED", default=False)
