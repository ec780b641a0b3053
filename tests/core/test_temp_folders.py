"""A test run leaves no temporary folder behind, even when a process it started is
killed before its exit handlers run (a SIGKILLed worker, gunicorn, a command)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

# A parent that loads the test settings, starts a child that loads them too, kills the
# child with SIGKILL and exits normally.
PARENT = """
import os, signal, subprocess, sys, time
import django
from django.conf import settings
django.setup()
child = subprocess.Popen([sys.executable, "-c", CHILD], env=os.environ.copy())
time.sleep(0.1)
while not os.path.exists(os.environ["ZI_TEST_TMP"] + "/ready"):
    time.sleep(0.05)
child.send_signal(signal.SIGKILL)
child.wait()
print(settings.MEDIA_ROOT)
"""
CHILD = """
import django, os
from django.conf import settings
django.setup()
open(os.path.join(settings.MEDIA_ROOT, "kept-by-a-killed-child"), "w").write("x")
open(os.environ["ZI_TEST_TMP"] + "/ready", "w").write("x")
import time; time.sleep(60)
"""


def test_killed_children_leave_no_temp_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ZI_TEST_TMP"}
    env.update(
        TMPDIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="zi_portal.settings.test",
        PYTHONPATH=str(settings.BASE_DIR),
    )
    script = f"CHILD = {CHILD!r}\n{PARENT}"
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    media = Path(done.stdout.strip())
    assert media.is_relative_to(tmp_path)
    assert list(tmp_path.iterdir()) == []
