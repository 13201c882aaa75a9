"""The Content-Security-Policy the built site needs, and the `_headers` file that carries it.

The policy is strict: scripts, styles, images and requests come from the site itself; inline
scripts run only when their exact text is one of the theme's own (`'sha256-...'`, computed
from the built pages by `kb/html_policy.py`); `'wasm-unsafe-eval'` lets Pagefind compile its
WebAssembly; nothing may frame the site, change its base URL or load plugins. Netlify and
Cloudflare Pages read `site/_headers`; other servers must send the same header (README).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

HEADERS_FILE = "_headers"
"""The file Netlify and Cloudflare Pages read response headers from, at the site root."""
_HASH = re.compile(r"'sha(?:256|384|512)-[A-Za-z0-9+/=]+'")


class PolicyError(ValueError):
    """An extra origin that a policy cannot name (not an http or https URL)."""


def origin_of(url: str) -> str:
    """The origin of an absolute http(s) URL, as a CSP source (`https://x.example:8443`).

    Args:
        url: For example the `insights.endpoint` the tracker sends events to.

    Returns:
        Scheme, host and port, lowercased; no path.

    Raises:
        PolicyError: The URL is not absolute http or https, or holds characters a policy
            cannot carry.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise PolicyError(f"{url!r} is not an absolute http or https URL")
    host = parts.hostname.lower()
    if not re.fullmatch(r"[a-z0-9.\-]+|\[[0-9a-f:.]+\]", host):
        raise PolicyError(f"{url!r}: the host cannot be named in a Content-Security-Policy")
    port = f":{parts.port}" if parts.port is not None else ""
    return f"{scheme}://{host}{port}"


def content_security_policy(
    script_hashes: Iterable[str],
    *,
    connect_origins: Sequence[str] = (),
    frame_origins: Sequence[str] = (),
) -> str:
    """The site's Content-Security-Policy.

    Args:
        script_hashes: `'sha256-...'` of every inline script the pages run (the theme's own).
        connect_origins: Other origins scripts may send requests to (for example the insights
            endpoint: `origin_of(endpoint)`); the site's own origin is always allowed.
        frame_origins: Origins of the embeds allowed by `content.embed_allowlist`.

    Returns:
        The policy, directives separated by `; `.
    """
    hashes = sorted({digest for digest in script_hashes if _HASH.fullmatch(digest)})
    directives = [
        "default-src 'self'",
        " ".join(["script-src 'self' 'wasm-unsafe-eval'", *hashes]),
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
    connect = sorted({origin_of(origin) for origin in connect_origins})
    if connect:
        directives.append(" ".join(["connect-src 'self'", *connect]))
    frames = sorted({origin_of(origin) for origin in frame_origins})
    if frames:
        directives.append(" ".join(["frame-src", *frames]))
    return "; ".join(directives)


def headers_file(policy: str) -> str:
    """The `_headers` file (Netlify, Cloudflare Pages) that sends `policy` with every page."""
    return (
        "# Written by kb at build time: serve every response with these headers (README,\n"
        "# Security). Pages that run anything outside this policy fail the strict build.\n"
        "/*\n"
        f"  Content-Security-Policy: {policy}\n"
        "  X-Content-Type-Options: nosniff\n"
        "  Referrer-Policy: strict-origin-when-cross-origin\n"
    )


def write_headers(site_dir: Path, policy: str) -> Path:
    """Write `site_dir/_headers` (replacing any file a docs folder may have put there).

    Args:
        site_dir: The built site.
        policy: From `content_security_policy`.

    Returns:
        The file written.
    """
    target = site_dir / HEADERS_FILE
    if target.is_symlink() or target.is_dir():
        raise OSError(f"{target} is a symlink or a folder: refusing to write through it")
    target.write_text(headers_file(policy), encoding="utf-8")
    return target


def read_policy(site_dir: Path) -> str | None:
    """The Content-Security-Policy in `site_dir/_headers`, or None without one.

    Args:
        site_dir: A built site.

    Returns:
        The policy of the first `Content-Security-Policy:` line.
    """
    target = site_dir / HEADERS_FILE
    if target.is_symlink() or not target.is_file():
        return None
    try:
        text = target.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        name, _, value = line.strip().partition(":")
        if name.strip().lower() == "content-security-policy":
            return value.strip()
    return None


def script_hashes_of(policy: str) -> frozenset[str]:
    """The `'sha256-...'` sources of a policy's `script-src` directive."""
    for directive in policy.split(";"):
        parts = directive.split()
        if parts and parts[0].lower() == "script-src":
            return frozenset(part for part in parts[1:] if _HASH.fullmatch(part))
    return frozenset()
