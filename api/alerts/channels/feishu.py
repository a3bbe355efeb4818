"""Feishu / Lark custom bot: an interactive card, with optional signing (签名校验).

Facts (alert-channels.md §3; official guide https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot):
POST JSON to https://open.feishu.cn/open-apis/bot/v2/hook/UUID (Lark: open.larksuite.com). The envelope field is
`msg_type`; a card goes under `card`. Signing differs from DingTalk's: the timestamp is in *seconds*,
`timestamp + "\\n" + secret` is the HMAC-SHA256 *key* over an empty message, the base64 is not URL-encoded, and
`timestamp` and `sign` go in the JSON body. The answer is `{"code":0,"msg":"success","data":{}}` (older versions
also or only `StatusCode`); 11232 is throttling, 19021 a bad signature or clock, 9499 a bad body. Cards mention
by open_id with `<at id=ou_...></at>` (and `<at id=all></at>`); a custom bot cannot mention by phone number.
The body must stay under 20 KB.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

import httpx

from api.alerts.channels.markdown import markdown_lines, one_line
from api.alerts.channels.message import AlertMessage, AlertSeverity, fit_bytes, headline, labels
from api.alerts.channels.transport import SendResult, json_bytes, judge, post, transport_failure
from api.alerts.outbound import CheckedTarget

TEXT_MAX_BYTES = 16_000
RETRYABLE_CODES = frozenset({"11232"})
TEMPLATES = {AlertSeverity.critical: "red", AlertSeverity.warning: "orange", AlertSeverity.info: "blue"}


def sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def render(message: AlertMessage, *, secret: str | None = None, timestamp_s: int | None = None) -> dict[str, Any]:
    words = labels(message)
    lines = markdown_lines(message, title=None, quote="", link=False)
    mentions = [f"<at id={user_id}></at>" for user_id in message.mentions.user_ids]
    if message.mentions.everyone:
        mentions.append("<at id=all></at>")
    if mentions:
        lines += ["", " ".join(mentions)]
    content = fit_bytes("\n".join(lines), TEXT_MAX_BYTES, words["more"])
    payload: dict[str, Any] = {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {
                "title": {"tag": "plain_text", "content": one_line(headline(message))},
                "template": TEMPLATES[message.severity],
            },
            "elements": [
                {"tag": "div", "text": {"tag": "lark_md", "content": content}},
                {
                    "tag": "action",
                    "actions": [
                        {
                            "tag": "button",
                            "text": {"tag": "plain_text", "content": words["open"]},
                            "url": message.board_url,
                            "type": "primary",
                        }
                    ],
                },
            ],
        },
    }
    if secret:
        timestamp_s = timestamp_s if timestamp_s is not None else int(time.time())
        payload = {"timestamp": str(timestamp_s), "sign": sign(secret, timestamp_s), **payload}
    return payload


async def send(
    client: httpx.AsyncClient, target: CheckedTarget, message: AlertMessage, *, secret: str | None = None
) -> SendResult:
    try:
        response = await post(client, target, json_bytes(render(message, secret=secret)))
    except httpx.HTTPError as exc:
        return transport_failure(exc)
    return judge(response, ("code", "StatusCode"), RETRYABLE_CODES)
