"""Email alerts through a local aiosmtpd server: both parts arrive; SMTP refusals are judged by their class."""

from __future__ import annotations

import httpx

from api.alerts.channels.email import SmtpConfig
from api.alerts.channels.send import send_alert
from tests.alerts.conftest import Mailbox, alert


def config(port: int) -> SmtpConfig:
    return SmtpConfig(
        host="127.0.0.1", port=port, security="none", user="", password="", sender="alerts@openclaw.example.com"
    )


async def test_an_email_alert_arrives_with_a_text_and_an_html_part(smtp_server: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp_server
    async with httpx.AsyncClient() as client:
        result = await send_alert(
            "email", "ops@example.com, boss@example.com", alert(), client=client, allow_private=False, smtp=config(port)
        )
    assert result.ok, result
    (envelope, message), *_ = mailbox.messages
    assert envelope.rcpt_tos == ["ops@example.com", "boss@example.com"]
    assert envelope.mail_from == "alerts@openclaw.example.com"
    assert message["Subject"] == "[严重] Shopee 价格推送失败激增"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    plain = text.get_content()
    assert "60 分钟内 128 个错误，超过阈值 100" in plain
    assert "时间: 2026-11-25 16:00:00 (Asia/Shanghai)" in plain
    assert "  - Shopee MY 旗舰店: 70" in plain
    assert "在看板中查看: https://openclaw.example.com/board?type=PRICE_NOT_EFFECTIVE&platform=shopee" in plain
    markup = html.get_content()
    assert "<h2>[严重] Shopee 价格推送失败激增</h2>" in markup
    assert (
        'href="https://openclaw.example.com/board?type=PRICE_NOT_EFFECTIVE&amp;platform=shopee&amp;since=60m"' in markup
    )


async def test_smtp_refusals_are_temporary_or_permanent_by_class(smtp_server: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp_server
    async with httpx.AsyncClient() as client:
        mailbox.answer = "451 4.3.0 Try again later"
        result = await send_alert(
            "email", "ops@example.com", alert(), client=client, allow_private=False, smtp=config(port)
        )
        assert (result.ok, result.status, result.retryable) == (False, 451, True)
        mailbox.answer = "554 5.7.1 Message rejected"
        result = await send_alert(
            "email", "ops@example.com", alert(), client=client, allow_private=False, smtp=config(port)
        )
        assert (result.ok, result.status, result.retryable) == (False, 554, False)
        result = await send_alert("email", "ops@example.com", alert(), client=client, allow_private=False, smtp=None)
        assert not result.ok and "OPENCLAW_SMTP_HOST" in result.error
