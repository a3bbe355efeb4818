"""Email alerts over SMTP (aiosmtplib): a plain-text part and an HTML part, in one multipart/alternative message.

CN providers document implicit TLS on 465 (QQ, 163, Exmail, Alibaba Mail; QQ also STARTTLS on 587); cloud hosts
block port 25 (alert-channels.md §4). The SMTP server is the operator's setting, not a user's target, so it is not
put through the outbound address check. A 4xx reply is temporary (retry), a 5xx one permanent (535: bad login).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Literal

import aiosmtplib

from api.alerts.channels.message import AlertMessage, Counted, crossed, headline, labels, part_line
from api.alerts.channels.transport import BODY_KEPT_CHARS, SendResult
from api.config import Settings


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    security: Literal["tls", "starttls", "none"]
    user: str
    password: str
    sender: str
    timeout_seconds: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """None when no SMTP server is configured (email channels then fail with that reason)."""
        if not settings.smtp_host or not settings.smtp_from:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=settings.smtp_security,
            user=settings.smtp_user,
            password=settings.smtp_password,
            sender=settings.smtp_from,
            timeout_seconds=settings.smtp_timeout_seconds,
        )


def _text_rows(title: str, rows: tuple[Counted, ...]) -> list[str]:
    return ["", f"{title}:", *(f"  - {r.shown}: {r.count}" for r in rows)] if rows else []


def render_text(message: AlertMessage) -> str:
    words = labels(message)
    lines = [headline(message), "", crossed(message)]
    if message.scope:
        lines.append(f"{words['scope']}: {message.scope}")
    lines.append(f"{words['time']}: {message.local_time()} ({message.timezone})")
    if message.parts:
        lines += ["", f"{words['rules']}:", *(f"  - {part_line(p)}" for p in message.parts)]
    lines += _text_rows(words["types"], message.top_error_types)
    lines += _text_rows(words["shops"], message.top_shops)
    lines += ["", f"{words['open']}: {message.board_url}", ""]
    return "\n".join(lines)


def _html_rows(title: str, rows: tuple[Counted, ...]) -> str:
    if not rows:
        return ""
    cells = "".join(
        f"<tr><td>{html.escape(r.shown)}</td><td style='text-align:right'>{r.count}</td></tr>" for r in rows
    )
    return f"<h3>{html.escape(title)}</h3><table>{cells}</table>"


def render_html(message: AlertMessage) -> str:
    words = labels(message)
    facts = [crossed(message)]
    if message.scope:
        facts.append(f"{words['scope']}: {message.scope}")
    facts.append(f"{words['time']}: {message.local_time()} ({message.timezone})")
    parts = ""
    if message.parts:
        items = "".join(f"<li>{html.escape(part_line(p))}</li>" for p in message.parts)
        parts = f"<h3>{html.escape(words['rules'])}</h3><ul>{items}</ul>"
    return (
        f"<html><body><h2>{html.escape(headline(message))}</h2>"
        + "".join(f"<p>{html.escape(f)}</p>" for f in facts)
        + parts
        + _html_rows(words["types"], message.top_error_types)
        + _html_rows(words["shops"], message.top_shops)
        + f'<p><a href="{html.escape(message.board_url, quote=True)}">{html.escape(words["open"])}</a></p>'
        + "</body></html>"
    )


def build(config: SmtpConfig, recipients: tuple[str, ...], message: AlertMessage) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = headline(message)
    email["From"] = config.sender
    email["To"] = ", ".join(recipients)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2] or None)
    email.set_content(render_text(message))
    email.add_alternative(render_html(message), subtype="html")
    return email


async def send(config: SmtpConfig | None, recipients: tuple[str, ...], message: AlertMessage) -> SendResult:
    if config is None:
        return SendResult(ok=False, error="no SMTP server configured (OPENCLAW_SMTP_HOST, OPENCLAW_SMTP_FROM)")
    try:
        errors, reply = await aiosmtplib.send(
            build(config, recipients, message),
            hostname=config.host,
            port=config.port,
            username=config.user or None,
            password=config.password or None,
            use_tls=config.security == "tls",
            start_tls=config.security == "starttls",
            timeout=config.timeout_seconds,
        )
    except aiosmtplib.SMTPResponseException as exc:
        return SendResult(
            ok=False,
            status=exc.code,
            body=exc.message[:BODY_KEPT_CHARS],
            error=f"SMTP {exc.code}: {exc.message}"[:500],
            retryable=400 <= exc.code < 500,
        )
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:500], retryable=True)
    if errors:  # some recipients refused: the others got it; say who did not
        refused = "; ".join(f"{address}: {r.code} {r.message}" for address, r in errors.items())
        return SendResult(ok=False, status=250, body=reply[:BODY_KEPT_CHARS], error=f"refused: {refused}"[:500])
    return SendResult(ok=True, status=250, body=reply[:BODY_KEPT_CHARS])
