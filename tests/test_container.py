"""Build the image and run it, where a container engine can build here (on demand).

CI machines for this project have no container daemon and no registry for base images, so
this runs only when `POLICYBOT_CONTAINER_TEST=1` is set on a machine with docker or podman."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE = shutil.which("docker") or shutil.which("podman")

pytestmark = pytest.mark.skipif(
    ENGINE is None or os.environ.get("POLICYBOT_CONTAINER_TEST") != "1",
    reason="set POLICYBOT_CONTAINER_TEST=1 on a machine with docker or podman",
)


def _engine(*args: str) -> subprocess.CompletedProcess:
    assert ENGINE is not None
    return subprocess.run([ENGINE, *args], capture_output=True, text=True, timeout=900)


def test_image_builds_runs_as_non_root_and_answers_and_passes_its_healthcheck(tmp_path):
    built = _engine("build", "-t", "policybot:test", str(ROOT))
    assert built.returncode == 0, built.stderr
    asked = _engine("run", "--rm", "policybot:test", "policybot", "ask", "whatsapp rules?")
    assert asked.returncode == 0, asked.stderr
    assert "6" in asked.stdout
    who = _engine("run", "--rm", "policybot:test", "id", "-u")
    assert who.stdout.strip() != "0"
    doctor = _engine("run", "--rm", "policybot:test", "policybot", "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
