"""Headless Chromium for the site's tests and benchmarks/report.py: Debian's `chromium` driven by
selenium through Debian's `chromium-driver` (.ci/run installs both; nothing is downloaded).

`chromium_missing()` says why there is no browser here (the tests skip with that reason), or None.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars"]
TIMEOUT = 120  # seconds for a page load or a script: a hang guard, pages load in well under a second


def chromium_paths() -> tuple[str | None, str | None]:
    return shutil.which("chromium"), shutil.which("chromedriver")


def chromium_missing() -> str | None:
    browser, driver = chromium_paths()
    if browser is None or driver is None:
        missing = " and ".join(name for name, path in (("chromium", browser), ("chromium-driver", driver)) if path is None)
        return f"{missing} not installed (apt-get install chromium chromium-driver; .ci/run does)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium not installed (pip install -e '.[test]')"
    return None


@contextmanager
def chromium_driver(*, width: int = 1280, height: int = 900) -> Iterator:
    """A selenium WebDriver on a new headless Chromium with an empty profile; quits and cleans up after."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = chromium_paths()
    if browser is None or driver_path is None:
        raise RuntimeError(chromium_missing())
    profile = tempfile.mkdtemp(prefix="policy-site-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in FLAGS + [f"--user-data-dir={profile}", f"--window-size={width},{height}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=driver_path, log_output=subprocess.DEVNULL)
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_page_load_timeout(TIMEOUT)
        driver.set_script_timeout(TIMEOUT)
        yield driver
    finally:
        try:
            driver.quit()
        finally:
            shutil.rmtree(profile, ignore_errors=True)
