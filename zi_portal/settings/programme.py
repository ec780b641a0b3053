"""The ZI programme's limits and defaults (read from the environment, with defaults):
overdue grace days, evidence uploads and the archives inside them, and the surveys'
public form. Part of ``settings.base``, which imports everything here."""

import environ

env = environ.Env()

# Days after a quarter's due date before its items count as overdue.
ZI_DEFAULT_GRACE_DAYS = env.int("ZI_DEFAULT_GRACE_DAYS", default=7)
# Largest evidence file accepted, in bytes (default 50 MB).
ZI_EVIDENCE_MAX_BYTES = env.int("ZI_EVIDENCE_MAX_BYTES", default=50 * 1024 * 1024)
# ZIP archives and Office/OpenDocument files (ZIPs too) are inspected before they are
# stored (evidence/containers.py), streaming every entry under these caps; archives and
# documents inside one count towards the same totals. 200 MB of inflated bytes is four
# times the largest upload, which a 50 MB DOCX/PPTX (mostly already-compressed media)
# never reaches and a text-heavy XLSX of about 20 MB does; it bounds the check to well
# under a second of one core. A zip bomb is stopped earlier, by the ratio: past the
# floor, no entry and no upload may expand more than 100 times (Office XML packs about
# 5-20 times, deflate's most is 1032).
ZI_ARCHIVE_MAX_ENTRIES = env.int("ZI_ARCHIVE_MAX_ENTRIES", default=1000)  # per archive
ZI_ARCHIVE_MAX_TOTAL_ENTRIES = env.int("ZI_ARCHIVE_MAX_TOTAL_ENTRIES", default=10_000)
ZI_ARCHIVE_MAX_UNCOMPRESSED_BYTES = env.int(
    "ZI_ARCHIVE_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024
)
ZI_ARCHIVE_MAX_RATIO = env.int("ZI_ARCHIVE_MAX_RATIO", default=100)
ZI_ARCHIVE_RATIO_FLOOR_BYTES = env.int("ZI_ARCHIVE_RATIO_FLOOR_BYTES", default=1024 * 1024)
# Levels of archives inside the upload that are opened (a ZIP in a ZIP in the upload is 2).
ZI_ARCHIVE_MAX_NESTING = env.int("ZI_ARCHIVE_MAX_NESTING", default=2)
ZI_ARCHIVE_MAX_NAME_LENGTH = env.int("ZI_ARCHIVE_MAX_NAME_LENGTH", default=255)

# The surveys' public form (surveys/public.py): an answer sent sooner than this many
# seconds after the form opened is kept but flagged; from one address, answers past the
# first FLAG_AFTER in an hour are flagged, past REFUSE_AFTER refused (429) until the hour
# ends. Offices behind one NAT share an address: raise these there.
ZI_SURVEY_MIN_SECONDS = env.int("ZI_SURVEY_MIN_SECONDS", default=15)
ZI_SURVEY_FLAG_AFTER = env.int("ZI_SURVEY_FLAG_AFTER", default=60)
ZI_SURVEY_REFUSE_AFTER = env.int("ZI_SURVEY_REFUSE_AFTER", default=300)
