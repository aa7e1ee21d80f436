"""Branding from settings: agency name and accent colour in the report, the logo embedded as a data: URI."""

from __future__ import annotations

import base64
import subprocess

import pytest

from intel.accounts.auth import SYSTEM
from intel.config import get_settings
from intel.errors import ConfigError, IntelError
from intel.service.reports import build_report
from tests.factories import make_talent

# A 1×1 PNG: the smallest real image.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5E"
                       "rkJggg==")


@pytest.fixture
def rt(engine, database_url, make_runtime, installed_runtime):
    """The process runtime on the test database (embedded cache)."""
    return installed_runtime(make_runtime(database_url))


def test_agency_name_logo_and_accent_come_from_settings(rt, engine, tmp_path, monkeypatch):
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    monkeypatch.setenv("INTEL_AGENCY_NAME", "Bright & Co")
    monkeypatch.setenv("INTEL_AGENCY_LOGO", str(logo))
    monkeypatch.setenv("INTEL_REPORT_ACCENT", "#AA3300")
    html = build_report(SYSTEM, make_talent(engine), fmt="html").decode("utf-8")
    assert "Bright &amp; Co</span> presents" in html
    assert f'src="data:image/png;base64,{base64.b64encode(PNG).decode()}"' in html
    assert "#aa3300" in html
    pdf = tmp_path / "kit.pdf"
    pdf.write_bytes(build_report(SYSTEM, make_talent(engine), fmt="pdf"))
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert [line.split()[2] for line in images.splitlines()[2:]].count("image") == 1  # the logo, on the cover


@pytest.mark.parametrize(("env", "message"), [
    ({"INTEL_REPORT_ACCENT": "red; background: url(x)"}, "INTEL_REPORT_ACCENT"),
    ({"INTEL_AGENCY_LOGO": "logo.gif"}, "INTEL_AGENCY_LOGO"),
])
def test_bad_branding_settings_stop_with_one_clear_line(env, message):
    with pytest.raises(ConfigError, match=message):
        get_settings(env)


def test_a_missing_logo_file_is_a_clear_error(rt, engine, tmp_path, monkeypatch):
    monkeypatch.setenv("INTEL_AGENCY_LOGO", str(tmp_path / "gone.png"))
    with pytest.raises(IntelError, match="cannot be read"):
        build_report(SYSTEM, make_talent(engine), fmt="html")


def test_the_agency_name_is_in_the_footer_of_every_page(rt, engine, tmp_path, monkeypatch):
    monkeypatch.setenv("INTEL_AGENCY_NAME", "Bright & Co")
    pdf = tmp_path / "kit.pdf"
    pdf.write_bytes(build_report(SYSTEM, make_talent(engine), fmt="pdf"))
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages_text = [p for p in pages.split("\f") if p.strip()]
    assert len(pages_text) >= 3 and all("Bright & Co" in p for p in pages_text)
