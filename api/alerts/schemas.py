"""Alert rules, channels and deliveries over the API. Channel URLs and secrets are write-only."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator

from api.alerts.outbound import ChannelKind
from api.errors.filters import PlatformName, SeverityName
from api.errors.taxonomy import ErrorType

_NO_NUL = r"^[^\x00]*$"
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=_NO_NUL)]
ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM in the tenant's zone")]
WEEK_MINUTES = 7 * 24 * 60
_MOBILE = re.compile(r"^\+?\d{5,20}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CountCondition(_Strict):
    """More than `threshold` new error events in the last `window_minutes`."""

    kind: Literal["count"]
    threshold: int = Field(ge=0, le=10**9)
    window_minutes: int = Field(ge=1, le=WEEK_MINUTES)


class AnyCondition(_Strict):
    """Any new event of these types (and the filters), e.g. AUTH_EXPIRED."""

    kind: Literal["any"]
    error_types: list[ErrorType] = Field(min_length=1, max_length=50)


class UnhandledCondition(_Strict):
    """A group stays open (or, with `unassigned`, also without an assignee) longer than `minutes`: an SLA reminder
    that @mentions the group's assignee where the channel knows their robot id or mobile number."""

    kind: Literal["unhandled_for"]
    minutes: int = Field(ge=1, le=30 * 24 * 60)
    unassigned: StrictBool = False


Condition = Annotated[CountCondition | AnyCondition | UnhandledCondition, Field(discriminator="kind")]


class AlertFilters(_Strict):
    """The board's filter names (lists are OR within a field, AND across fields); empty lists mean all."""

    severity: list[SeverityName] = Field(default_factory=list, max_length=2)
    error_type: list[ErrorType] = Field(default_factory=list, max_length=50)
    platform: list[PlatformName] = Field(default_factory=list, max_length=4)
    shop_id: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    strategy_id: list[uuid.UUID] = Field(default_factory=list, max_length=500)


class Mention(_Strict):
    """How a robot @mentions one OpenClaw user: their mobile number (WeCom, DingTalk) or robot user id (WeCom
    userid, DingTalk userId, Feishu open_id)."""

    user_id: uuid.UUID
    mobile: str | None = Field(default=None, max_length=21)
    im_user_id: str | None = Field(default=None, min_length=1, max_length=100, pattern=_NO_NUL)

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, value: str | None) -> str | None:
        if value is not None and not _MOBILE.match(value):
            raise ValueError("a mobile number is digits with an optional leading +")
        return value

    @model_validator(mode="after")
    def _something(self) -> Mention:
        if not self.mobile and not self.im_user_id:
            raise ValueError("give mobile or im_user_id")
        return self


class ChannelIn(_Strict):
    kind: ChannelKind
    url: str | None = Field(default=None, min_length=1, max_length=2000, pattern=_NO_NUL,
                            description="robot or webhook URL (not for email)")  # fmt: skip
    secret: str | None = Field(default=None, min_length=1, max_length=500, pattern=_NO_NUL,
                               description="DingTalk/Feishu signing secret, webhook HMAC key; never returned")  # fmt: skip
    to: list[Annotated[str, Field(min_length=3, max_length=320, pattern=_NO_NUL)]] = Field(
        default_factory=list, max_length=20, description="email recipients"
    )
    mentions: list[Mention] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _target(self) -> ChannelIn:
        if self.kind is ChannelKind.email:
            if not self.to:
                raise ValueError("an email channel needs `to`")
            if self.url or self.secret:
                raise ValueError("an email channel takes `to`, not `url` or `secret`")
        elif not self.url:
            raise ValueError(f"a {self.kind.value} channel needs `url`")
        elif self.to:
            raise ValueError(f"a {self.kind.value} channel takes `url`, not `to`")
        return self


class ChannelOut(BaseModel):
    kind: ChannelKind
    target_hint: str = Field(description="the host and the end of the key, never the whole URL")
    has_secret: bool
    to: list[str]
    mentions: list[Mention]


class QuietHours(_Strict):
    """No message from `start` to `end` (tenant's zone; may span midnight). What happened meanwhile comes after."""

    start: ClockTime
    end: ClockTime

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start == self.end:
            raise ValueError("start and end must differ")
        return self


class AlertRuleIn(_Strict):
    name: Name
    condition: Condition
    filters: AlertFilters = Field(default_factory=AlertFilters)
    channels: list[ChannelIn] = Field(min_length=1, max_length=10)
    cooldown_minutes: int = Field(default=60, ge=0, le=WEEK_MINUTES)
    quiet_hours: QuietHours | None = None
    digest_hour: int | None = Field(default=None, ge=0, le=23, description="daily digest at this hour, tenant's zone")
    is_active: StrictBool = True


class AlertRulePatch(_Strict):
    """Change some fields; `channels`, when given, replaces the whole list (URLs and secrets included)."""

    name: Name | None = None
    condition: Condition | None = None
    filters: AlertFilters | None = None
    channels: list[ChannelIn] | None = Field(default=None, min_length=1, max_length=10)
    cooldown_minutes: int | None = Field(default=None, ge=0, le=WEEK_MINUTES)
    quiet_hours: QuietHours | None = None
    digest_hour: int | None = Field(default=None, ge=0, le=23)
    is_active: StrictBool | None = None


class AlertRuleOut(BaseModel):
    id: uuid.UUID
    name: str
    condition: Condition
    filters: AlertFilters
    channels: list[ChannelOut]
    cooldown_minutes: int
    quiet_hours: QuietHours | None
    digest_hour: int | None
    is_active: bool
    last_fired_at: datetime | None
    created_at: datetime
    updated_at: datetime


class AlertRuleList(BaseModel):
    items: list[AlertRuleOut]


DeliveryStatus = Literal["pending", "sending", "retrying", "sent", "failed"]
DeliveryKind = Literal["alert", "digest", "reminder", "test"]


class DeliveryOut(BaseModel):
    id: uuid.UUID
    rule_id: uuid.UUID
    rule_name: str
    channel_index: int
    channel_kind: ChannelKind
    target_hint: str
    kind: DeliveryKind
    window_key: str
    summary: dict[str, Any] = Field(description="what the message said: title, count, reason, top types and shops")
    status: DeliveryStatus
    attempts: int
    response_status: int | None = Field(description="HTTP status, or the SMTP reply code for email")
    response_code: str | None = Field(description="the channel's own code (errcode, code, StatusCode)")
    response_body: str | None
    error: str | None
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None


class DeliveryList(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None = None


class TestSendResult(BaseModel):
    channel_index: int
    channel_kind: ChannelKind
    ok: bool
    status: int | None
    code: str | None
    body: str
    error: str


class TestSendOut(BaseModel):
    results: list[TestSendResult]
