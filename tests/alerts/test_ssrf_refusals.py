"""A refused target is refused before any connection is attempted, at send time too (DNS may change after create)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.alerts.channels.send import send_alert
from api.alerts.channels.transport import outbound_client
from tests.alerts.conftest import alert, public_resolver


def failing_client() -> httpx.AsyncClient:
    def fail(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"a request was sent to {request.url}")

    return httpx.AsyncClient(transport=httpx.MockTransport(fail))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://localhost:9/hook",
        "http://[::1]:9/hook",
        "http://[::ffff:127.0.0.1]:9/hook",
        "http://[::ffff:7f00:1]:9/hook",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://2130706433:9/hook",
        "http://metadata.google.internal/computeMetadata/v1/",
    ],
)
async def test_private_webhook_targets_are_refused_before_any_socket_opens(url: str, no_connections: list[Any]) -> None:
    for client in (failing_client(), outbound_client()):
        async with client:
            result = await send_alert("webhook", url, alert(), client=client, allow_private=False, secret="s")
        assert not result.ok
        assert result.error.startswith("target refused: webhook target ")
        assert not result.retryable
    assert no_connections == []


async def test_a_name_that_rebinds_to_loopback_after_the_check_is_refused_at_send_time(
    no_connections: list[Any],
) -> None:
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    async def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    from api.alerts.outbound import check_target

    url = "https://hooks.example.com/openclaw"
    assert (await check_target("webhook", url, False, resolver=rebinding)).addresses == ("93.184.216.34",)
    async with failing_client() as client:
        result = await send_alert("webhook", url, alert(), client=client, allow_private=False, resolver=rebinding)
    assert not result.ok
    assert "loopback" in result.error
    assert no_connections == []


async def test_robot_kinds_pointing_elsewhere_are_refused_before_any_socket_opens(no_connections: list[Any]) -> None:
    async with failing_client() as client:
        for kind, url in [
            ("wecom", "http://127.0.0.1:9/cgi-bin/webhook/send?key=k"),
            ("dingtalk", "https://oapi.dingtalk.com.attacker.example/robot/send?access_token=t"),
            ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/x"),  # official host, private answer
        ]:
            result = await send_alert(
                kind, url, alert(), client=client, allow_private=False, resolver=public_resolver("192.168.0.10")
            )
            assert not result.ok, kind
    assert no_connections == []


async def test_the_guard_sees_a_connection_attempt(no_connections: list[Any]) -> None:
    # The same call with the loopback receiver allowed does try to connect: the guard above is not blind.
    async with outbound_client() as client:
        result = await send_alert("webhook", "http://127.0.0.1:9/hook", alert(), client=client, allow_private=True)
    assert not result.ok
    assert no_connections
