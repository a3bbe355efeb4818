"""Which targets a channel may have: the vendors' official webhook hosts for robots, public addresses for all."""

from __future__ import annotations

import pytest

from api.alerts.outbound import TargetRefused, check_target, classify, invalid_target
from tests.alerts.conftest import public_resolver

TENCENT = public_resolver("101.91.42.232")  # a public address; nothing is sent to it
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=abc123"
FEISHU = "https://open.feishu.cn/open-apis/bot/v2/hook/0f7c6c8e-1111-2222-3333-444455556666"
LARK = "https://open.larksuite.com/open-apis/bot/v2/hook/0f7c6c8e-1111-2222-3333-444455556666"


async def refused(kind: str, url: str, allow_private: bool = False, resolver: object = TENCENT) -> TargetRefused:
    with pytest.raises(TargetRefused) as caught:
        await check_target(kind, url, allow_private, resolver=resolver)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    ("kind", "url"), [("wecom", WECOM), ("dingtalk", DINGTALK), ("feishu", FEISHU), ("feishu", LARK)]
)
async def test_official_robot_webhooks_are_accepted_with_their_resolved_addresses(kind: str, url: str) -> None:
    checked = await check_target(kind, url, False, resolver=TENCENT)
    assert checked.addresses == ("101.91.42.232",)
    assert checked.port == 443
    assert checked.url == url


@pytest.mark.parametrize(
    ("kind", "url", "code"),
    [
        ("wecom", "https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send?key=k", "not_official_host"),
        ("wecom", "https://evil.example/cgi-bin/webhook/send?key=k", "not_official_host"),
        ("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "scheme"),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "path"),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/message/send?key=k", "path"),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?token=abc", "path"),
        ("dingtalk", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "not_official_host"),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/", "path"),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/a/b", "path"),
        ("feishu", "https://feishu.cn/open-apis/bot/v2/hook/x", "not_official_host"),
        ("webhook", "ftp://example.com/hook", "scheme"),
        ("webhook", "not a url", "malformed"),
    ],
)
async def test_robot_targets_off_the_official_webhook_are_refused(kind: str, url: str, code: str) -> None:
    assert (await refused(kind, url)).code == code


async def test_an_official_host_that_resolves_to_a_private_address_is_refused() -> None:
    # A poisoned or split-horizon DNS answer must not turn a robot channel into a probe of the internal network.
    exc = await refused("wecom", WECOM, resolver=public_resolver("101.91.42.232", "10.0.0.7"))
    assert exc.code == "private"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "metadata"),
        ("169.254.10.10", "link_local"),
        ("100.64.0.1", "cgnat"),
        ("100.100.100.200", "metadata"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("198.18.0.1", "reserved"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "metadata"),
        ("::127.0.0.1", "loopback"),
        ("64:ff9b::a00:1", "private"),
        ("2002:7f00:1::", "loopback"),
        ("fe80::1", "link_local"),
        ("fd12:3456::1", "private"),
        ("fd00:ec2::254", "metadata"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "reserved"),
        ("8.8.8.8", "public"),
        ("2606:4700::1111", "public"),
    ],
)
def test_addresses_are_classified_as_the_ipv4_they_reach(address: str, reason: str) -> None:
    import ipaddress

    assert classify(ipaddress.ip_address(address)) == reason


async def test_every_resolved_address_must_be_public() -> None:
    exc = await refused("webhook", "https://hooks.example.com/x", resolver=public_resolver("8.8.8.8", "127.0.0.1"))
    assert (exc.code, exc.facts["address"]) == ("loopback", "127.0.0.1")


async def test_allow_private_lets_loopback_and_private_through_for_every_kind() -> None:
    for kind, path in [
        ("wecom", "/cgi-bin/webhook/send?key=k"),
        ("dingtalk", "/robot/send?access_token=t"),
        ("feishu", "/open-apis/bot/v2/hook/x"),
        ("webhook", "/hook"),
    ]:
        checked = await check_target(kind, f"http://127.0.0.1:8080{path}", True)
        assert checked.addresses == ("127.0.0.1",)
    checked = await check_target("webhook", "http://receiver.lan/hook", True, resolver=public_resolver("10.1.2.3"))
    assert checked.addresses == ("10.1.2.3",)


async def test_allow_private_still_refuses_metadata_link_local_and_foreign_public_hosts() -> None:
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://[::ffff:169.254.169.254]/",
    ]:
        assert (await refused("webhook", url, allow_private=True)).code == "metadata"
    assert (await refused("webhook", "http://169.254.1.1/", allow_private=True)).code == "link_local"
    # A robot kind may point at a local receiver, not at some other public host.
    exc = await refused("wecom", "https://evil.example/cgi-bin/webhook/send?key=k", allow_private=True)
    assert exc.code == "not_official_host"


async def test_a_host_that_does_not_resolve_is_refused_and_retryable_at_send_time() -> None:
    async def nxdomain(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    exc = await refused("webhook", "https://nowhere.example/x", resolver=nxdomain)
    assert exc.code == "unresolvable"
    assert exc.retryable


async def test_email_targets_are_address_lists() -> None:
    checked = await check_target("email", "ops@example.com; Boss@Example.com,ops@example.com", False)
    assert checked.recipients == ("ops@example.com", "Boss@example.com")
    assert (await refused("email", "ops@example.com, not-an-address")).code == "email"
    assert (await refused("email", " , ")).code == "recipients"


async def test_the_api_answer_names_the_channel_in_both_languages() -> None:
    exc = await refused("dingtalk", "https://oapi.dingtalk.example/robot/send?access_token=t")
    assert exc.message("en") == ("dingtalk target must be the official dingtalk webhook address (oapi.dingtalk.com)")
    assert exc.message("zh") == "钉钉通道地址必须是 钉钉 官方的 Webhook 地址（oapi.dingtalk.com）"
    problem = invalid_target(exc, english=False)
    assert problem.status == 422
    assert problem.extra["invalid_params"] == [
        {"name": "target", "reason": exc.message("zh"), "type": "target_not_official_host"}
    ]
