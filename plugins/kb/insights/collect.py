"""`kb collect`: check the database and the site, then serve the collector until a signal."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

from kb.insights.manifest import load_manifest
from kb.insights.store import open_store

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


class CollectorError(Exception):
    """The collector cannot start (missing package, manifest or database)."""


def prepare(db_url: str, site_dir: Path) -> None:
    """Migrate the database and record the build's pages; raises `StoreError`, `ManifestError`."""
    manifest = load_manifest(site_dir)
    store = open_store(db_url)
    try:
        store.migrate()
        store.save_pages(manifest)
    finally:
        store.close()


def serve(
    db_url: str,
    site_dir: Path,
    origins: frozenset[str],
    *,
    host: str = "127.0.0.1",
    port: int = 8787,
    rate_limit: int = 120,
    retention_days: int | None = 90,
) -> None:
    """Serve `POST /api/event` and `GET /healthz` until SIGTERM or SIGINT, then store what is
    buffered and return.

    Raises:
        CollectorError: The `insights` extra is not installed.
        ManifestError: The site has no page manifest.
        StoreError: The database cannot be opened or migrated.
    """
    try:
        import uvicorn

        from kb.insights.app import CollectorSettings, create_app
    except ImportError:
        raise CollectorError(
            "kb collect needs the insights extra: pip install 'kb[insights]'"
        ) from None
    from kb.insights.buffer import EventBuffer

    _Server = _server_class()

    prepare(db_url, site_dir)
    manifest = load_manifest(site_dir)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    buffer = EventBuffer(lambda: open_store(db_url), retention_days=retention_days)
    app = create_app(CollectorSettings(origins, rate_limit), manifest, buffer)
    logging.getLogger("kb.insights").info(
        "kb collect: %d pages, listening on http://%s:%d/api/event", len(manifest.pages), host, port
    )
    # No access log: it would write every client's address.
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        server_header=False,
        date_header=False,
        lifespan="on",
    )
    _Server(config).run()
    log = logging.getLogger("kb.insights")
    health = buffer.health()
    log.info(
        "kb collect: stopped; %d events stored, %d dropped", health["stored"], health["dropped"]
    )


def _server_class() -> type[Any]:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, but a stop by SIGTERM or SIGINT, once everything is stored, is a
        normal exit (uvicorn raises the signal again, which ends the process with it)."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            with super().capture_signals():
                yield
                captured = getattr(self, "_captured_signals", None)
                if isinstance(captured, list):
                    captured.clear()

    return Server
