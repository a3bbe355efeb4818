"""Send one alert to one channel: check the target again (the API checked it at create time; DNS may have changed
since), then hand the message to the channel's sender, which connects only to the addresses just checked."""

from __future__ import annotations

import httpx

from api.alerts.channels import dingtalk, email, feishu, webhook, wecom
from api.alerts.channels.email import SmtpConfig
from api.alerts.channels.message import AlertMessage
from api.alerts.channels.transport import SendResult
from api.alerts.outbound import ChannelKind, Resolver, TargetRefused, check_target


async def send_alert(
    kind: ChannelKind | str,
    target: str,
    message: AlertMessage,
    *,
    client: httpx.AsyncClient,
    allow_private: bool,
    secret: str | None = None,
    smtp: SmtpConfig | None = None,
    resolver: Resolver | None = None,
) -> SendResult:
    try:
        checked = await check_target(kind, target, allow_private, resolver=resolver)
    except TargetRefused as exc:
        return SendResult(ok=False, error=f"target refused: {exc.message('en')}", retryable=exc.retryable)
    match checked.kind:
        case ChannelKind.wecom:
            return await wecom.send(client, checked, message)
        case ChannelKind.dingtalk:
            return await dingtalk.send(client, checked, message, secret=secret)
        case ChannelKind.feishu:
            return await feishu.send(client, checked, message, secret=secret)
        case ChannelKind.webhook:
            return await webhook.send(client, checked, message, secret=secret)
        case ChannelKind.email:
            return await email.send(smtp, checked.recipients, message)
