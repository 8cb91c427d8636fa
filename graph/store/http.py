"""The HTTP client of the store stage: one request to a SPARQL or Graph Store endpoint, errors as StoreError."""
from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from graph.store.errors import StoreError

USER_AGENT = "policykg (SPARQL 1.1 Protocol client)"


@dataclass
class RemoteAnswer:
    """An endpoint's raw answer: the query form, the response's media type and body."""

    form: str
    content_type: str
    body: bytes


def http_request(url: str, body: bytes | None, headers: dict[str, str], *, method: str | None = None,
                 timeout: float | None = None) -> tuple[str, bytes]:
    """One HTTP request; errors become a StoreError that quotes the server's own message."""
    req = urllib.request.Request(url, data=body, method=method, headers={"User-Agent": USER_AGENT, **headers})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()
        raise StoreError(f"{url}: HTTP {exc.code} {exc.reason}" + (f": {detail[0][:300]}" if detail else "")) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise StoreError(f"{url}: cannot reach the endpoint ({reason})") from None
