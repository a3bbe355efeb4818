"""Posting to a checked target: connect only to the addresses `check_target` approved, and judge the answer.

The URL's host is replaced by a checked IP while the Host header and the TLS server name (httpx's `sni_hostname`
extension, which httpcore also verifies the certificate against) stay the webhook's host, so a DNS answer that
changes after the check (rebinding) is never used. The client keeps no idle connections: a pooled connection is
keyed by IP only, and each request should make its own TLS handshake for its own host name. No redirects are
followed (a redirect could lead anywhere).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from api.alerts.outbound import CheckedTarget

BODY_KEPT_CHARS = 2000
TIMEOUT = httpx.Timeout(8.0, connect=3.0)


@dataclass(frozen=True, slots=True)
class SendResult:
    """One send as the deliveries table wants it: the channel's own code is kept verbatim in `code`."""

    ok: bool
    status: int | None = None  # HTTP status (SMTP reply code for email); None when nothing was answered
    body: str = ""  # the channel's answer, cut to BODY_KEPT_CHARS
    error: str = ""  # why it failed, in English, for the operator
    retryable: bool = False  # 5xx, 429, timeouts, connection errors, the channel's throttling codes
    code: str | None = None  # errcode / code / StatusCode as the channel sent it


def outbound_client() -> httpx.AsyncClient:
    """The one client a worker process sends alerts with: short timeouts, no proxies from the environment (they
    would connect on our behalf to hosts we did not check), no keep-alive (see the module docstring)."""
    return httpx.AsyncClient(
        timeout=TIMEOUT,
        trust_env=False,
        follow_redirects=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


def json_bytes(payload: Mapping[str, Any]) -> bytes:
    return orjson.dumps(payload)


async def post(
    client: httpx.AsyncClient,
    target: CheckedTarget,
    content: bytes,
    *,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """POST `content` to the target, trying its checked addresses in order while they refuse the connection.

    `params` are merged into the URL's query (httpx's `params=` would replace it and drop a DingTalk access_token).
    """
    url = httpx.URL(target.url)
    if params:
        url = url.copy_merge_params(dict(params))
    default_port = 443 if url.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    send_headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {}), "Host": host_header}
    extensions = {"sni_hostname": target.host} if url.scheme == "https" else {}
    last_error: httpx.TransportError | None = None
    for address in target.addresses:
        request = client.build_request(
            "POST", url.copy_with(host=address), content=content, headers=send_headers, extensions=extensions
        )
        try:
            return await client.send(request, follow_redirects=False)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            last_error = exc
    if last_error is None:
        raise ValueError("a checked target has at least one address")
    raise last_error


def transport_failure(exc: httpx.HTTPError) -> SendResult:
    return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:500], retryable=True)


def judge(
    response: httpx.Response,
    code_keys: Iterable[str],
    retryable_codes: frozenset[str],
) -> SendResult:
    """The channel's verdict: HTTP 2xx *and* (when the body carries one of `code_keys`) code 0.

    Robots answer errors with HTTP 200 and a non-zero errcode/code, so the body decides; a 5xx or 429 is retried,
    and so are the channel's throttling and busy codes.
    """
    body = response.text[:BODY_KEPT_CHARS]
    code = _code(response, code_keys)
    status = response.status_code
    if 200 <= status < 300 and code in (None, "0"):
        return SendResult(ok=True, status=status, body=body, code=code)
    retryable = status >= 500 or status == 429 or (code is not None and code in retryable_codes)
    error = f"HTTP {status}" if code in (None, "0") else f"HTTP {status}, channel code {code}"
    return SendResult(ok=False, status=status, body=body, error=error, retryable=retryable, code=code)


def _code(response: httpx.Response, code_keys: Iterable[str]) -> str | None:
    try:
        answer = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(answer, dict):
        return None
    for key in code_keys:
        if key in answer and answer[key] is not None:
            return str(answer[key])
    return None
