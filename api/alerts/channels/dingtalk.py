"""DingTalk (钉钉) custom robot: one markdown message, with optional signing (加签).

Facts (alert-channels.md §2; official page https://open.dingtalk.com/document/orgapp/custom-robot-access, read
through faithful reposts): POST JSON to https://oapi.dingtalk.com/robot/send?access_token=TOKEN. With signing, the
query also carries `timestamp` (epoch milliseconds, within an hour of DingTalk's clock: computed fresh per request)
and `sign` = base64(HMAC-SHA256(key=secret, msg=timestamp + "\\n" + secret)), URL-encoded once. Mentions go in
`at.atMobiles` / `at.atUserIds` / `at.isAtAll`, and the `@mobile` / `@userid` must also appear in the text for the
mention to be highlighted. The answer is `{"errcode":0,"errmsg":"ok"}`; 130101 (over 20 a minute) is throttling.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

import httpx

from api.alerts.channels.markdown import fit_with_tail, heading, link_line, markdown_lines, one_line
from api.alerts.channels.message import AlertMessage, headline, labels
from api.alerts.channels.transport import SendResult, json_bytes, judge, post, transport_failure
from api.alerts.outbound import CheckedTarget

# Real answers say "message too long, exceed 20000 bytes" for the whole body; leave room for the JSON around it.
TEXT_MAX_BYTES = 18_000
RETRYABLE_CODES = frozenset({"-1", "130101"})


def sign(secret: str, timestamp_ms: int) -> str:
    """The raw base64 signature; it is URL-encoded once, when it is merged into the query."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_params(secret: str | None, timestamp_ms: int | None = None) -> dict[str, str]:
    if not secret:
        return {}
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    return {"timestamp": str(timestamp_ms), "sign": sign(secret, timestamp_ms)}


def render(message: AlertMessage) -> dict[str, Any]:
    mentions = message.mentions
    tail = [link_line(message)]
    tags = [f"@{m}" for m in mentions.mobiles] + [f"@{u}" for u in mentions.user_ids]
    if tags:
        tail += ["", " ".join(tags)]
    body = markdown_lines(message, title=heading(message), link=False)
    text = fit_with_tail(body, tail, TEXT_MAX_BYTES, labels(message)["more"])
    return {
        "msgtype": "markdown",
        # The title is what the conversation list and the notification preview show.
        "markdown": {"title": one_line(headline(message))[:100], "text": text},
        "at": {"atMobiles": list(mentions.mobiles), "atUserIds": list(mentions.user_ids), "isAtAll": mentions.everyone},
    }


async def send(
    client: httpx.AsyncClient, target: CheckedTarget, message: AlertMessage, *, secret: str | None = None
) -> SendResult:
    try:
        response = await post(client, target, json_bytes(render(message)), params=signed_params(secret))
    except httpx.HTTPError as exc:
        return transport_failure(exc)
    return judge(response, ("errcode",), RETRYABLE_CODES)
