"""A real browser for the tests: headless Chromium driven by selenium, or a skip that says why not."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


def _find(name: str, fallback: str) -> str | None:
    found = shutil.which(name)
    return found or (fallback if Path(fallback).is_file() else None)


@contextmanager
def headless_chromium(window_size: tuple[int, int] = (1400, 1800)) -> Iterator[Any]:
    """A headless Chromium WebDriver, quit on exit; the test is skipped, with the reason, without one.

    Debian's ``chromium`` and ``chromium-driver`` packages provide both programs (``./course.sh test``
    installs them where it can).
    """
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
    from selenium.webdriver.chrome.service import Service

    chromium = _find("chromium", "/usr/bin/chromium")
    chromedriver = _find("chromedriver", "/usr/bin/chromedriver")
    if chromium is None or chromedriver is None:
        missing = [name for name, path in (("chromium", chromium), ("chromedriver", chromedriver)) if path is None]
        pytest.skip(f"no {' and no '.join(missing)} on this machine (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={window_size[0]},{window_size[1]}"):
        options.add_argument(arg)
    options.binary_location = chromium
    driver = webdriver.Chrome(options=options, service=Service(chromedriver))
    try:
        yield driver
    finally:
        driver.quit()


SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def screenshot(driver: Any, tmp_path: Path, name: str) -> Path:
    """Save what the browser shows to ``tmp_path/name``; with DLCOURSE_UPDATE_SCREENSHOTS set, also to
    docs/screenshots/ (test runs otherwise leave the tree clean)."""
    import os

    shot = tmp_path / name
    driver.save_screenshot(str(shot))
    if os.environ.get("DLCOURSE_UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy2(shot, SCREENSHOTS / name)
    return shot
