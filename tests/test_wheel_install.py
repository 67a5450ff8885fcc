"""The built wheel, installed in a fresh virtual environment, serves the overview with `nhanrong serve`
from another folder (the app, package nhanrong_app, ships in the same wheel), and its core commands run without Streamlit.

The wheel is built with pip (build isolation: setuptools from PyPI, cached after the first run) and
installed with ``--no-index --no-deps``; the fresh environment sees the test environment's
dependencies through a .pth line, so nothing else is downloaded and the whole test takes seconds.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A new venv with only the built wheel installed (dependencies visible through a .pth line)."""
    tmp = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(REPO)],
                           capture_output=True, text=True, timeout=240)
    assert build.returncode == 0, build.stderr[-2000:]
    [wheel] = (tmp / "dist").glob("nhanrong-*.whl")
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")  # after the venv's own
    inst = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "-q", str(wheel)],
                          capture_output=True, text=True, timeout=120)
    assert inst.returncode == 0, inst.stderr[-2000:]
    return env_dir


def test_the_installed_package_is_the_wheel_and_carries_the_app(fresh: Path) -> None:
    out = subprocess.run([str(fresh / "bin" / "python"), "-c",
                          "import nhanrong, pathlib; p = pathlib.Path(nhanrong.__file__).parent.parent / 'nhanrong_app'; "
                          "print(p); print((p / 'streamlit_app.py').is_file(), (p / 'review.py').is_file())"],
                         capture_output=True, text=True, check=True, cwd="/").stdout.split("\n")
    assert out[0].startswith(str(fresh)), out
    assert out[1] == "True True"


def test_core_commands_need_no_streamlit(fresh: Path) -> None:
    code = ("import sys; sys.modules['streamlit'] = None; from nhanrong.cli import main; "
            f"sys.exit(main(['validate', {str(REPO)!r}]))")
    proc = subprocess.run([str(fresh / "bin" / "python"), "-c", code], capture_output=True, text=True, cwd="/", timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "0 lỗi" in proc.stdout + proc.stderr


def test_nhanrong_serve_from_the_wheel_serves_the_overview(fresh: Path, tmp_path: Path) -> None:
    port = _free_port()
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([str(fresh / "bin" / "nhanrong"), "serve", str(REPO), "--port", str(port), "--headless"],
                                cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                                env={k: v for k, v in os.environ.items() if k != "NHANRONG_ROOT"})
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        pytest.fail("nhanrong serve did not start:\n" + log_path.read_text(errors="replace")[-3000:])
                    time.sleep(0.3)
            assert "127.0.0.1" in log_path.read_text(errors="replace")  # bound to loopback by default
            if not CHROMIUM.exists():
                if os.environ.get("CI", "").lower() == "true":
                    pytest.fail("/usr/bin/chromium is missing: CI must install Debian's chromium (see .ci/run)")
                return  # the health check only, locally without chromium
            sync_api = pytest.importorskip("playwright.sync_api")
            with sync_api.sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run"])
                try:
                    page = browser.new_page()
                    page.goto(url)
                    page.get_by_text("Tổng quan nhân rộng").first.wait_for(timeout=60_000)
                    assert not page.get_by_test_id("stException").count()
                finally:
                    browser.close()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
