"""The only way WeasyPrint may read anything: files inside ``templates/assets/``.

Every request is recorded (allowed or not) so tests can prove that nothing else
was asked for. Anything else is refused: ``http:``, ``https:``, ``data:``,
``ftp:``, and ``file:`` paths outside the assets folder (symlinks and ``..``
are resolved before the check).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from assessor.documents.html import ASSETS_DIR


class RefusedFetch(ValueError):
    """WeasyPrint asked for something outside the bundled assets."""


class AssetFetcher(URLFetcher):
    """A URL fetcher that serves bundled assets and refuses everything else."""

    def __init__(self, assets: Path = ASSETS_DIR) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.assets = Path(assets).resolve()
        self.requests: list[str] = []  # every URL asked for, in order
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        self.requests.append(url)
        path = self._asset_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedFetch(f"refused to fetch {url[:200]!r}: only bundled assets may be used")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})

    def _asset_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not path.is_relative_to(self.assets) or not path.is_file():
            return None
        return path
