"""review --serve: the site's own files, to this host only, never through a symlink."""

import http.client
import http.server
import socket
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import extract_text
from extractor.cli import app
from extractor.review.serve import ReviewServer
from extractor.review.site import build_site, site_files

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, list[str]]:
    """A review site of one letter, in a folder that also holds files the site did not write."""
    out = tmp_path_factory.mktemp("site")
    record = extract_text((ROOT / "corpora" / "test" / "cnh-21.txt").read_text(encoding="utf-8"))
    build_site([record], out)
    (out / "notes.txt").write_text("not part of the site")
    (out / "private").mkdir()
    (out / "private" / "letter.txt").write_text("a letter")
    (out / "passwd").symlink_to("/etc/passwd")
    (out / "outside.html").symlink_to(out.parent)
    return out, site_files([record])


@pytest.fixture()
def server(site):
    out, files = site
    with ReviewServer(out, files, 0) as running:
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        yield running
        running.shutdown()
        thread.join(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, host: str = "") -> tuple[int, bytes, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": host or f"127.0.0.1:{port}"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, dict(response.getheaders())


def test_serve_answers_the_sites_pages(server, site):
    out, files = site
    status, body, headers = _get(server.port, "/index.html")
    assert status == 200 and b"IMR letters" in body
    assert headers["Content-Type"].startswith("text/html")
    assert _get(server.port, "/")[1] == body
    assert _get(server.port, "/index.html?decision=upheld", host=f"localhost:{server.port}")[0] == 200
    page = next(name for name in files if name.startswith("letter-"))
    assert _get(server.port, f"/{page}")[0] == 200
    status, _, headers = _get(server.port, "/style.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")


@pytest.mark.parametrize("host", [
    "evil.example",  # why: DNS rebinding, a page's own name pointed at 127.0.0.1
    "evil.example:{port}",  # why: the same, with the port
    "127.0.0.1",  # why: a browser on this port always sends it
    "127.0.0.1:1",  # why: another port is another origin
    "localhost.evil.example:{port}",  # why: a name that only starts like ours
])
def test_serve_refuses_a_foreign_host(server, host):
    status, body, _ = _get(server.port, "/index.html", host=host.format(port=server.port))
    assert status == 403 and b"IMR letters" not in body


@pytest.mark.parametrize("path", [
    "/notes.txt",  # why: in the folder, but the site did not write it
    "/private/letter.txt",  # why: nor anything below it
    "/passwd",  # why: a symlink out of the site
    "/outside.html",  # why: a symlink to a folder, named like a page
    "/../../../../etc/passwd",  # why: climbing out of the folder
    "/%2e%2e/%2e%2e/etc/passwd",  # why: the same, percent-encoded
    "/letter-missing.html",  # why: a page name the site never wrote
])
def test_serve_refuses_what_the_site_did_not_write(server, path):
    status, body, _ = _get(server.port, path)
    assert status in (403, 404)
    assert b"root:" not in body and b"not part of the site" not in body and b"a letter" not in body


def test_serve_refuses_a_site_file_replaced_by_a_symlink(tmp_path):
    record = extract_text((ROOT / "corpora" / "test" / "cnh-21.txt").read_text(encoding="utf-8"))
    build_site([record], tmp_path)
    (tmp_path / "style.css").unlink()
    (tmp_path / "style.css").symlink_to("/etc/passwd")
    with ReviewServer(tmp_path, site_files([record]), 0) as running:
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        try:
            status, body, _ = _get(running.port, "/style.css")
            assert status == 404 and b"root:" not in body
            assert _get(running.port, "/index.html")[0] == 200
        finally:
            running.shutdown()
            thread.join(timeout=10)


def test_serve_cli_uses_the_guarded_server(tmp_path, monkeypatch):
    seen = {}

    def serve_once(self, poll_interval=0.5):
        thread = threading.Thread(target=http.server.ThreadingHTTPServer.serve_forever, args=(self,), daemon=True)
        thread.start()
        try:
            seen["index"] = _get(self.port, "/index.html")[0]
            seen["foreign"] = _get(self.port, "/index.html", host="evil.example")[0]
            seen["other"] = _get(self.port, "/notes.txt")[0]
        finally:
            self.shutdown()
            thread.join(timeout=10)

    monkeypatch.setattr(ReviewServer, "serve_forever", serve_once)
    monkeypatch.setattr("webbrowser.open", lambda url: True)
    out = tmp_path / "site"
    out.mkdir()
    (out / "notes.txt").write_text("not part of the site")
    letter = str(ROOT / "corpora" / "test" / "cnh-21.txt")
    result = CliRunner().invoke(app, ["review", letter, "--out", str(out), "--serve", "--port", str(_free_port())])
    assert result.exit_code == 0, result.output
    assert seen == {"index": 200, "foreign": 403, "other": 404}


def test_serve_answers_a_pdf_letters_page_images(tmp_path):
    from extractor import extract_file
    from extractor.synth.render import render_pdf

    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(render_pdf((ROOT / "corpora" / "test" / "cnh-21.txt").read_text(encoding="utf-8")))
    record = extract_file(pdf)
    out = tmp_path / "site"
    build_site([record], out)
    files = site_files([record])
    images = [name for name in files if name.endswith(".png")]
    assert images and all((out / name).is_file() for name in images)
    (out / "other.png").write_bytes((out / images[0]).read_bytes())
    with ReviewServer(out, files, 0) as running:
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        try:
            status, body, headers = _get(running.port, f"/{images[0]}")
            assert status == 200 and headers["Content-Type"] == "image/png" and body.startswith(b"\x89PNG")
            assert _get(running.port, "/other.png")[0] == 404  # why: a PNG the site did not write
        finally:
            running.shutdown()
            thread.join(timeout=10)
