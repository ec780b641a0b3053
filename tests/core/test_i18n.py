"""The English catalog is complete and its compiled .mo matches the .po."""

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale"


def po_entries(path: Path) -> dict[str, str]:
    """msgctxt\\x04msgid -> msgstr (first form for plurals), as gettext keys them."""
    text = path.read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n"):
        if "#, fuzzy" in block and 'msgid ""\nmsgstr ""' not in block:
            raise AssertionError(f"fuzzy entry in {path}: {block[:200]}")

        def field(name: str, block: str = block) -> str | None:
            m = re.search(rf'^{name} ((?:".*"\n?)+)', block, re.M)
            if not m:
                return None
            raw = "".join(re.findall(r'"(.*)"', m.group(1)))
            return raw.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")

        msgid = field("msgid")
        if not msgid:
            continue
        ctx = field("msgctxt")
        msgstr = field("msgstr") if field("msgstr") is not None else field(r"msgstr\[0\]")
        entries[f"{ctx}\x04{msgid}" if ctx else msgid] = msgstr or ""
    return entries


def test_english_catalog_is_complete_and_compiled():
    po = po_entries(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    assert len(po) > 150
    assert [k for k, v in po.items() if not v] == []
    with open(LOCALE / "en" / "LC_MESSAGES" / "django.mo", "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    compiled = {k if isinstance(k, str) else k[0] for k in mo._catalog if k}
    assert set(po) <= compiled, "run `make messages` to recompile locale/en"


def test_pages_speak_english_when_chosen(client, demo):
    client.force_login(demo["users"]["pic.pw"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("evidence:matrix", args=[2026])).content.decode()
    assert "Commitment Matrix" in body
    assert "Your cell" in body
    assert "Sel Anda" not in body
    overview = client.get(reverse("workplan:overview", args=[2026])).content.decode()
    assert "change areas" in overview and "31 March 2026" in overview
    demo["users"]["pic.pw"].refresh_from_db()
    assert demo["users"]["pic.pw"].preferred_language == "en"
