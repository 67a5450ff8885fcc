"""What every browser test needs: Debian's chromium, a real `streamlit run`, a settled page.

Chromium comes from Debian (`apt-get install chromium`, done by .ci/run); Playwright drives it
through ``executable_path`` and never downloads a browser of its own. Without chromium the
tests skip locally and fail when CI=true, so a CI run never passes by skipping them.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "artifacts" / "e2e"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def require_chromium() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("/usr/bin/chromium is missing: CI must install Debian's chromium (see .ci/run)")
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(root: Path, extra_args: tuple[str, ...] = (), env_extra: dict | None = None) -> Iterator[str]:
    """Start the real app on data folder ``root``; yield its URL once it answers its health check.
    ``extra_args``: more `streamlit run` flags (e.g. ``--secrets.files`` for login)."""
    require_chromium()
    port = _free_port()
    env = dict(os.environ, NHANRONG_ROOT=str(root), **(env_extra or {}))
    # The server writes to a file, never to a pipe nobody reads: a full pipe would block it.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / f"streamlit-{root.name}-{port}.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "src" / "nhanrong_app" / "streamlit_app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", *extra_args],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        log.close()
        pytest.fail("streamlit did not start:\n" + log_path.read_text(errors="replace")[-3000:])
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


# Counts the app's script runs as the page shows them: Streamlit marks its root element with
# data-test-script-state ("running" while the script runs, "notRunning" when it is done).
RUN_COUNTER = """
window.__nhanrongRuns = 0;
new MutationObserver(records => {
  for (const r of records) {
    if (r.attributeName === 'data-test-script-state' && r.target.getAttribute(r.attributeName) === 'running') {
      window.__nhanrongRuns += 1;
    }
  }
}).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
"""

QUIET = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSpinner"], [data-testid="stSkeleton"], [data-testid^="stStatusWidgetRunning"]')) return false;
  return Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]')).every(c => c.querySelector('svg, canvas'));
}"""


@contextlib.contextmanager
def browser_page(height: int = 1400) -> Iterator[object]:
    """A Playwright page in Debian's chromium, Vietnamese locale, generous timeouts."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": height}, locale="vi-VN", accept_downloads=True)
        context.add_init_script(RUN_COUNTER)
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def settle(page) -> None:
    """Wait until the page is quiet: the script is not running, no spinner or skeleton is shown and
    every chart has drawn. No fixed pause: call it after waiting for what the action shows, or
    through :func:`rerun`."""
    page.wait_for_function(QUIET, timeout=60_000)


def runs(page) -> int:
    """How many script runs the page has shown so far."""
    return int(page.evaluate("() => window.__nhanrongRuns || 0"))


def rerun(page, action) -> None:
    """Do ``action`` (a widget change), wait until the app has run the script for it, then settle."""
    before = runs(page)
    action()
    page.wait_for_function(f"() => (window.__nhanrongRuns || 0) > {before}", timeout=60_000)
    settle(page)


def svg_texts(page, chart) -> list[str]:
    """The texts a chart draws (axis labels, titles, figures on the marks), from its SVG."""
    return chart.evaluate("el => Array.from(el.querySelectorAll('svg text')).map(t => t.textContent)")
