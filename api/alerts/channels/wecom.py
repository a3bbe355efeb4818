"""WeCom (企业微信) group robot: a markdown message, plus a text message when phone numbers must be mentioned.

Facts (alert-channels.md §1; official page https://developer.work.weixin.qq.com/document/path/99110): POST JSON to
https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY, no signing (the key is the credential). `markdown.content`
≤ 4096 bytes and may mention members by userid as `<@userid>`; mentioning by phone number (`mentioned_mobile_list`)
and @all exist only in `text` messages (content ≤ 2048 bytes). The answer is HTTP 200 with `{"errcode":0,"errmsg":
"ok"}`; errors too carry HTTP 200 and a non-zero errcode (-1 busy, 45009 over 20 messages a minute, 45033 too many
at once are worth retrying; 93000 invalid webhook, 40058 too long are not).
"""

from __future__ import annotations

from typing import Any

import httpx

from api.alerts.channels.markdown import fit_with_tail, link_line, markdown_lines, one_line
from api.alerts.channels.message import AlertMessage, AlertSeverity, fit_bytes, headline, labels
from api.alerts.channels.transport import SendResult, json_bytes, judge, post, transport_failure
from api.alerts.outbound import CheckedTarget

MARKDOWN_MAX_BYTES = 4096
TEXT_MAX_BYTES = 2048
RETRYABLE_CODES = frozenset({"-1", "45009", "45033"})
# WeCom markdown knows three colours: info (green), comment (grey), warning (orange-red).
COLOURS = {AlertSeverity.critical: "warning", AlertSeverity.warning: "warning", AlertSeverity.info: "comment"}


def render(message: AlertMessage) -> list[dict[str, Any]]:
    """The payloads to send, in order: the markdown alert, then (only if needed) the text that @-mentions."""
    title = f'### <font color="{COLOURS[message.severity]}">{one_line(headline(message))}</font>'
    tail = [link_line(message)]
    if message.mentions.user_ids:
        tail += ["", " ".join(f"<@{user_id}>" for user_id in message.mentions.user_ids)]
    body = markdown_lines(message, title=title, link=False)
    content = fit_with_tail(body, tail, MARKDOWN_MAX_BYTES, labels(message)["more"])
    payloads: list[dict[str, Any]] = [{"msgtype": "markdown", "markdown": {"content": content}}]
    if message.mentions.mobiles or message.mentions.everyone:
        mobiles = [*message.mentions.mobiles, *(["@all"] if message.mentions.everyone else [])]
        text = fit_bytes(headline(message), TEXT_MAX_BYTES, "…")
        payloads.append({"msgtype": "text", "text": {"content": text, "mentioned_mobile_list": mobiles}})
    return payloads


async def send(client: httpx.AsyncClient, target: CheckedTarget, message: AlertMessage) -> SendResult:
    result = SendResult(ok=False, error="nothing to send")
    for payload in render(message):
        try:
            response = await post(client, target, json_bytes(payload))
        except httpx.HTTPError as exc:
            return transport_failure(exc)
        result = judge(response, ("errcode",), RETRYABLE_CODES)
        if not result.ok:
            return result
    return result
