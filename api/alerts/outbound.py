"""Where an alert may be sent: the one check of a channel's target, at create time (API, 422) and at send time (workers).

Robot channels must point at their vendor's official webhook (WeCom, DingTalk, Feishu/Lark; facts in
/work/shared/platforms/alert-channels.md); generic webhooks may point anywhere public. Every target host is resolved
and *every* address it resolves to must be public: not loopback, private, link-local, CGNAT, multicast, unspecified
or reserved (IPv4 embedded in IPv6 is judged as the IPv4 it reaches). `allow_private` (OPENCLAW_ALLOW_PRIVATE_WEBHOOKS,
for tests and the demo) lets loopback and private addresses through for every kind, so any kind may point at a local
receiver; cloud metadata endpoints are refused always.

The answer carries the checked addresses: the sender connects to exactly those (no second DNS lookup between the
check and the connection, hence no DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import httpx
from email_validator import EmailNotValidError, validate_email

from api import problems

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> the addresses it resolves to, as strings; injectable so tests never touch real DNS.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

DNS_TIMEOUT_SECONDS = 3.0
MAX_RECIPIENTS = 20


class ChannelKind(StrEnum):
    wecom = "wecom"
    dingtalk = "dingtalk"
    feishu = "feishu"  # Feishu and Lark (international) share the protocol
    webhook = "webhook"
    email = "email"


@dataclass(frozen=True, slots=True)
class OfficialEndpoint:
    hosts: frozenset[str]
    path: str
    # An exact path needs this query parameter non-empty; a path ending in "/" needs one more, last segment.
    query_key: str | None


OFFICIAL: dict[ChannelKind, OfficialEndpoint] = {
    ChannelKind.wecom: OfficialEndpoint(frozenset({"qyapi.weixin.qq.com"}), "/cgi-bin/webhook/send", "key"),
    ChannelKind.dingtalk: OfficialEndpoint(frozenset({"oapi.dingtalk.com"}), "/robot/send", "access_token"),
    ChannelKind.feishu: OfficialEndpoint(
        frozenset({"open.feishu.cn", "open.larksuite.com"}), "/open-apis/bot/v2/hook/", None
    ),
}

METADATA_HOSTS = frozenset({"metadata.google.internal"})
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.170.2")
)
CGNAT = ipaddress.ip_network("100.64.0.0/10")
PRIVATE_NETWORKS = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
# Address classes `allow_private` lets through; everything else that is not public is refused always.
PRIVATE_CLASSES = frozenset({"loopback", "private"})

# Reason code -> (English, zh-CN); {host}, {address}, {kind} are filled in.
REASONS: dict[str, tuple[str, str]] = {
    "malformed": ("is not a valid URL", "不是有效的网址"),
    "scheme": ("must use https (http only for a generic webhook)", "必须使用 https（仅通用 Webhook 可用 http）"),
    "not_official_host": (
        "must be the official {kind} webhook address ({hosts})",
        "必须是 {kind} 官方的 Webhook 地址（{hosts}）",
    ),
    "path": ("does not look like a {kind} webhook ({example})", "不像 {kind} 的 Webhook 地址（{example}）"),
    "metadata": ("points at a cloud metadata endpoint ({address})", "指向云服务器元数据地址（{address}），禁止使用"),
    "unresolvable": ("host {host} cannot be resolved", "无法解析主机 {host}"),
    "loopback": ("resolves to a loopback address ({address})", "解析到本机回环地址（{address}）"),
    "private": ("resolves to a private network address ({address})", "解析到内网地址（{address}）"),
    "link_local": ("resolves to a link-local address ({address})", "解析到链路本地地址（{address}）"),
    "cgnat": ("resolves to a carrier-grade NAT address ({address})", "解析到运营商 NAT 地址（{address}）"),
    "multicast": ("resolves to a multicast address ({address})", "解析到组播地址（{address}）"),
    "unspecified": ("resolves to an unspecified address ({address})", "解析到未指定地址（{address}）"),
    "reserved": ("resolves to a reserved, non-public address ({address})", "解析到保留的非公网地址（{address}）"),
    "recipients": ("needs 1 to {max} email addresses", "需要 1 到 {max} 个邮箱地址"),
    "email": ("{address} is not a valid email address", "{address} 不是有效的邮箱地址"),
}

EXAMPLES = {
    ChannelKind.wecom: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...",
    ChannelKind.dingtalk: "https://oapi.dingtalk.com/robot/send?access_token=...",
    ChannelKind.feishu: "https://open.feishu.cn/open-apis/bot/v2/hook/...",
}

CHANNEL_NAMES_ZH = {
    "wecom": "企业微信",
    "dingtalk": "钉钉",
    "feishu": "飞书/Lark",
    "webhook": "Webhook",
    "email": "邮件",
}


class TargetRefused(ValueError):
    """The target may not be sent to; `code` is one of REASONS, `message(language)` says why in words."""

    def __init__(self, kind: ChannelKind | str, code: str, **facts: str) -> None:
        self.kind = str(kind)
        self.code = code
        self.facts = facts
        super().__init__(self.message("en"))

    def message(self, language: str) -> str:
        en, zh = REASONS[self.code]
        if language.startswith("en"):
            return f"{self.kind} target {en.format(kind=self.kind, **self.facts)}"
        name = CHANNEL_NAMES_ZH.get(self.kind, self.kind)
        return f"{name}通道地址{zh.format(kind=name, **self.facts)}"

    @property
    def retryable(self) -> bool:
        # At send time a host that does not resolve may be a DNS hiccup; every other refusal stays refused.
        return self.code == "unresolvable"


@dataclass(frozen=True, slots=True)
class CheckedTarget:
    kind: ChannelKind
    url: str = ""  # the webhook URL as given (empty for email)
    host: str = ""  # ASCII host (IDNA), without a trailing dot
    port: int = 0
    addresses: tuple[str, ...] = ()  # the checked IPs to connect to, in resolver order
    recipients: tuple[str, ...] = field(default=())  # email only, normalised


def invalid_target(exc: TargetRefused, *, english: bool, name: str = "target") -> problems.Invalid:
    """The 422 an API route raises for a refused target, naming the channel and the field."""
    reason = exc.message("en" if english else "zh")
    return problems.Invalid(reason, invalid_params=[{"name": name, "reason": reason, "type": f"target_{exc.code}"}])


async def check_target(
    kind: ChannelKind | str, target: str, allow_private: bool, *, resolver: Resolver | None = None
) -> CheckedTarget:
    """Check a channel's target (a webhook URL, or for email a comma-separated address list); TargetRefused if not."""
    kind = ChannelKind(kind)
    if kind is ChannelKind.email:
        return CheckedTarget(kind=kind, recipients=check_recipients(target))
    try:
        url = httpx.URL(target.strip())
        host = url.raw_host.decode("ascii").rstrip(".").lower()
    except (httpx.InvalidURL, UnicodeError, TypeError) as exc:
        raise TargetRefused(kind, "malformed") from exc
    if url.scheme not in ("http", "https") or not host:
        raise TargetRefused(kind, "malformed" if not host else "scheme")
    if host in METADATA_HOSTS:
        raise TargetRefused(kind, "metadata", address=host)
    port = url.port or (443 if url.scheme == "https" else 80)

    official = OFFICIAL.get(kind)
    on_official_host = official is not None and host in official.hosts
    if official is not None:
        if not on_official_host and not allow_private:
            raise TargetRefused(kind, "not_official_host", hosts=", ".join(sorted(official.hosts)))
        if on_official_host and url.scheme != "https":
            raise TargetRefused(kind, "scheme")
        _check_path(kind, official, url)

    addresses = await _resolve(kind, host, port, resolver or system_resolver)
    for address in addresses:
        reason = classify(address)
        if reason == "public" and official is not None and not on_official_host:
            # allow_private lets a robot kind point at a local receiver, never at someone else's public host.
            raise TargetRefused(kind, "not_official_host", hosts=", ".join(sorted(official.hosts)))
        if reason == "public" or (allow_private and reason in PRIVATE_CLASSES):
            continue
        raise TargetRefused(kind, reason, address=str(address))
    return CheckedTarget(kind=kind, url=str(url), host=host, port=port, addresses=tuple(str(a) for a in addresses))


def _check_path(kind: ChannelKind, official: OfficialEndpoint, url: httpx.URL) -> None:
    path = url.path
    if official.path.endswith("/"):
        rest = path[len(official.path) :] if path.startswith(official.path) else ""
        good = bool(rest) and "/" not in rest
    else:
        good = path == official.path and bool(official.query_key and url.params.get(official.query_key))
    if not good:
        raise TargetRefused(kind, "path", example=EXAMPLES[kind])


async def system_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await asyncio.wait_for(
        loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP), DNS_TIMEOUT_SECONDS
    )
    return [str(info[4][0]) for info in infos]


async def _resolve(kind: ChannelKind, host: str, port: int, resolver: Resolver) -> list[IPAddress]:
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        return [literal]
    try:
        found = await resolver(host, port)
    except (OSError, TimeoutError, UnicodeError) as exc:
        raise TargetRefused(kind, "unresolvable", host=host) from exc
    addresses: list[IPAddress] = []
    for text in found:
        # getaddrinfo may answer a scoped IPv6 address (fe80::1%eth0); the scope does not change its class.
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise TargetRefused(kind, "unresolvable", host=host)
    return addresses


def classify(address: IPAddress) -> str:
    """'public', or the reason code the address is refused with (one of REASONS)."""
    if address in METADATA_ADDRESSES:
        return "metadata"
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return classify(embedded)
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link_local"
    if address.is_multicast:
        return "multicast"
    if address in CGNAT:
        return "cgnat"
    if any(address in network for network in PRIVATE_NETWORKS if network.version == address.version):
        return "private"
    if not address.is_global:
        return "reserved"
    return "public"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one reaches: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64, 6to4."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64 or (address in IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def check_recipients(target: str) -> tuple[str, ...]:
    """Email addresses separated by commas, semicolons or whitespace; syntax only (no DNS at create time)."""
    parts = [p for p in target.replace(";", ",").replace("\n", ",").split(",") if p.strip()]
    if not 1 <= len(parts) <= MAX_RECIPIENTS:
        raise TargetRefused(ChannelKind.email, "recipients", max=str(MAX_RECIPIENTS))
    recipients: list[str] = []
    for part in parts:
        try:
            normalised = validate_email(part.strip(), check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise TargetRefused(ChannelKind.email, "email", address=part.strip()[:100]) from exc
        if normalised not in recipients:
            recipients.append(normalised)
    return tuple(recipients)
