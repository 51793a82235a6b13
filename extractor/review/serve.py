"""Serves the review site on localhost: the files the site wrote, to a browser that asked for this host.

``http.server.SimpleHTTPRequestHandler`` would serve everything under the folder (whatever else
sits in ``--out``, and whatever a symlink there points at) to any page that can reach the port:
a web page can point its own host name at 127.0.0.1 (DNS rebinding) and read the letters. So
the handler answers only requests whose ``Host`` is this server's own address, and only for the
names the site wrote, read as regular files inside the folder, never through a symlink.
"""

from __future__ import annotations

import http.server
import os
import stat
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".png": "image/png"}


class ReviewServer(http.server.ThreadingHTTPServer):
    """A local HTTP server for one review site: its folder and the names of the files it wrote."""

    def __init__(self, site: Path, files: Iterable[str], port: int = 0) -> None:
        """Bind 127.0.0.1:``port`` (0: a free port) to serve ``files`` from the folder ``site``."""
        self.site = Path(site).resolve()
        self.files = frozenset(files)
        super().__init__(("127.0.0.1", port), SiteHandler)

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self.server_address[1]

    @property
    def hosts(self) -> frozenset[str]:
        """``Host`` header values a browser sends for this server."""
        return frozenset({f"127.0.0.1:{self.port}", f"localhost:{self.port}"})


class SiteHandler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD for the site's own files; 403 for a foreign ``Host``, 404 for anything else."""

    server: ReviewServer

    def do_GET(self) -> None:  # the names http.server dispatches to
        """Send the file with its headers."""
        self._answer(body=True)

    def do_HEAD(self) -> None:
        """Send the headers only."""
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        if (self.headers.get("Host") or "").lower() not in self.server.hosts:
            self.send_error(403, "Forbidden: not this server's host name")
            return
        content = self._read(unquote(urlsplit(self.path).path).lstrip("/") or "index.html")
        if content is None:
            self.send_error(404, "Not found")
            return
        name, data = content
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _read(self, name: str):
        """``(name, bytes)`` of a file the site wrote, or None for any other path."""
        # The names the site wrote hold no "/" or "..": any other request ends here.
        if name not in self.server.files:
            return None
        path = self.server.site / name
        if path.is_symlink() or path.resolve().parent != self.server.site:
            return None
        try:
            # O_NOFOLLOW: a symlink put in place after the check above is refused too.
            handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        with os.fdopen(handle, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                return None
            return name, file.read()

    def log_message(self, format: str, *args) -> None:
        """Log nothing: the request lines would only repeat the page names."""
