"""Category compliance pre-check: a category's attribute rules, read from the platform, checked against a listing
draft before anything is sent.

`CategoryRules` is platform-neutral: each platform package reads its own rules API into it (`<platform>/rules.py`)
and says how its drafts carry attribute values (`draft_values`). `check_draft` is pure: one CATEGORY_COMPLIANCE_FAILED
per kind of problem, naming the fields and linking to the category's attribute page. `publish_checked` is the hook:
a draft that fails is refused without a listing call.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from api.errors.taxonomy import ErrorType, Severity
from api.errors.taxonomy import doc_url as _doc_url
from api.platforms import CATEGORY_ATTRIBUTE_PAGES, MIN_IMAGE_PX, Platform, market
from workers.platforms.base import ItemResult, ListingDraft, PlatformError, make_error

PRECHECK_CODE = "CATEGORY_PRECHECK"


@dataclass(frozen=True, slots=True)
class AttributeRule:
    key: str  # how a draft carries it: Amazon attribute name, TikTok/Shopee attribute id, Lazada attribute name
    name: str  # how the platform names it to the seller (shown in missing_fields)
    required: bool = False
    units: tuple[str, ...] = ()  # non-empty: every value must carry one of these units


@dataclass(frozen=True, slots=True)
class SizeRule:
    key: str  # the size attribute, as AttributeRule.key
    name: str
    allowed: tuple[str, ...]  # the platform's size values
    mapping: Mapping[str, str] = field(default_factory=dict)  # our size word (upper-cased) -> a platform value


@dataclass(frozen=True, slots=True)
class CategoryRules:
    platform: Platform
    category_id: str
    attributes: tuple[AttributeRule, ...] = ()
    min_image_px: int | None = None  # the platform's minimum for an image's longest side
    size: SizeRule | None = None
    attribute_page_url: str = ""

    def to_json(self) -> dict[str, Any]:
        size = self.size
        return {
            "platform": self.platform.value,
            "category_id": self.category_id,
            "attributes": [[a.key, a.name, a.required, list(a.units)] for a in self.attributes],
            "min_image_px": self.min_image_px,
            "size": None if size is None else [size.key, size.name, list(size.allowed), dict(size.mapping)],
            "attribute_page_url": self.attribute_page_url,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CategoryRules:
        size = data.get("size")
        return cls(
            platform=Platform(data["platform"]),
            category_id=str(data["category_id"]),
            attributes=tuple(AttributeRule(k, n, bool(r), tuple(u)) for k, n, r, u in data.get("attributes") or ()),
            min_image_px=data.get("min_image_px"),
            size=None if not size else SizeRule(size[0], size[1], tuple(size[2]), dict(size[3])),
            attribute_page_url=str(data.get("attribute_page_url") or ""),
        )


@dataclass(frozen=True, slots=True)
class AttributeValue:
    """One value of a draft's attribute, as the pre-check reads it: its text and its unit (None when absent)."""

    value: str
    unit: str | None = None


DraftValues = Mapping[str, Sequence[AttributeValue]]


class RulesUnavailable(Exception):
    """The category's rules could not be read (the call failed, or the answer was not the documented shape)."""

    def __init__(self, errors: Sequence[PlatformError] = (), reason: str = "") -> None:
        super().__init__(reason or "; ".join(f"{e.platform_code}: {e.platform_message}" for e in errors))
        self.errors = list(errors)


class RulesReader(Protocol):
    """A client that reads its platform's category rules and the attribute values of its drafts."""

    async def get_category_rules(self, category_id: str) -> CategoryRules: ...

    def draft_values(self, draft: ListingDraft) -> DraftValues: ...


# -----------------------------------------------------------------------------------------------------------
# Sizes: the common size words sellers use, so "XL" finds the platform's "X-Large" (or "x_large")

SIZE_WORDS: tuple[tuple[str, ...], ...] = (
    ("XXS", "2XS", "XX-SMALL", "XX_SMALL", "XXSMALL"),
    ("XS", "X-SMALL", "X_SMALL", "XSMALL", "EXTRA SMALL"),
    ("S", "SMALL"),
    ("M", "MEDIUM"),
    ("L", "LARGE"),
    ("XL", "X-LARGE", "X_LARGE", "XLARGE", "EXTRA LARGE"),
    ("XXL", "2XL", "XX-LARGE", "XX_LARGE", "XXLARGE"),
    ("XXXL", "3XL", "XXX-LARGE", "XXX_LARGE", "XXXLARGE"),
)


def size_mapping(allowed: Sequence[str], aliases: Mapping[str, str] | None = None) -> dict[str, str]:
    """Our size words (upper-cased) -> the platform value they mean, for the platform's `allowed` values; `aliases`
    adds the platform's own display names (Amazon enumNames) for its values."""
    mapping = {word.upper(): value for word, value in (aliases or {}).items()}
    for value in allowed:
        for words in SIZE_WORDS:
            if value.upper() in words or (
                aliases and any(k.upper() in words for k, v in aliases.items() if v == value)
            ):
                mapping.update({word: value for word in words if word not in mapping})
    return mapping


def mapped_size(rule: SizeRule, given: str) -> str | None:
    """The platform's size value for `given`: itself when allowed, else through the mapping; None when unmapped."""
    if given in rule.allowed:
        return given
    return rule.mapping.get(given.strip().upper())


# -----------------------------------------------------------------------------------------------------------
# The check


_NUMBER_WITH_UNIT = re.compile(r"^\s*(?P<value>\d+(?:[.,]\d+)?)\s*(?P<unit>[^\d\s.,][^\s]*)?\s*$")


def split_value_unit(text: str) -> AttributeValue:
    """ "500 g" -> 500 + g; "500" -> 500 with no unit; other text is kept whole."""
    match = _NUMBER_WITH_UNIT.match(text)
    if match is None:
        return AttributeValue(text.strip())
    return AttributeValue(match["value"], match["unit"])


def check_draft(rules: CategoryRules, draft: ListingDraft, values: DraftValues | None = None) -> list[PlatformError]:
    """The category's rules the draft breaks: one CATEGORY_COMPLIANCE_FAILED per kind of problem (missing mandatory
    attributes, values without units, units without values, images under the minimum, unmapped sizes), each
    naming its fields. `values` are the draft's attribute values as its platform carries them (default: read
    `draft.attributes` as name -> value(s))."""
    given = values if values is not None else plain_values(draft.attributes)
    found: list[tuple[str, str, str, list[str]]] = []  # (code, zh, en, fields)

    missing = [
        a.name for a in rules.attributes if a.required and not [v for v in given.get(a.key, ()) if v.value or v.unit]
    ]
    if missing:
        found.append(("MISSING_ATTRIBUTE", "缺少类目必填属性", "mandatory attributes missing", missing))

    without_unit, without_value = [], []
    for attribute in rules.attributes:
        if not attribute.units:
            continue
        for value in given.get(attribute.key, ()):
            if value.value and not value.unit:
                without_unit.append(attribute.name)
            elif value.unit and not value.value:
                without_value.append(attribute.name)
    if without_unit:
        units = "; ".join(f"{a.name}: {'/'.join(a.units)}" for a in rules.attributes if a.name in without_unit)
        found.append(
            (
                "UNIT_MISSING",
                f"属性值缺少单位（可用单位 {units}）",
                f"values without their unit ({units})",
                list(dict.fromkeys(without_unit)),
            )
        )
    if without_value:
        found.append(
            ("VALUE_MISSING", "属性只有单位没有数值", "units without a value", list(dict.fromkeys(without_value)))
        )

    if rules.min_image_px:
        small = [
            f"images[{index}]"
            for index, image in enumerate(draft.images)
            if image.width is not None
            and image.height is not None
            and max(image.width, image.height) < rules.min_image_px
        ]
        if small:
            px = rules.min_image_px
            found.append(
                (
                    "IMAGE_TOO_SMALL",
                    f"图片长边小于平台最低要求 {px} 像素",
                    f"images whose longest side is under the platform's minimum of {px} px",
                    small,
                )
            )

    if rules.size is not None:
        unmapped = [
            v.value for v in given.get(rules.size.key, ()) if v.value and mapped_size(rules.size, v.value) is None
        ]
        if unmapped:
            allowed = ", ".join(rules.size.allowed)
            found.append(
                (
                    "SIZE_NOT_MAPPED",
                    f"尺码 {', '.join(unmapped)} 无法对应到平台尺码（{allowed}）",
                    f"size {', '.join(unmapped)} maps to none of the platform's sizes ({allowed})",
                    [rules.size.name],
                )
            )

    return [_error(rules, draft, code, zh, en, fields) for code, zh, en, fields in found]


def _error(rules: CategoryRules, draft: ListingDraft, code: str, zh: str, en: str, fields: list[str]) -> PlatformError:
    named = ", ".join(fields)
    return make_error(
        ErrorType.CATEGORY_COMPLIANCE_FAILED,
        rules.platform,
        PRECHECK_CODE,
        f"类目 {rules.category_id} 预检未通过：{zh}：{named} / category {rules.category_id} pre-check: {en}: {named}",
        raw={
            "sku": draft.ref.sku,
            "category_id": rules.category_id,
            "problem": code,
            "fields": fields,
            "message_zh": zh,
            "message_en": en,
        },
        missing_fields=fields,
        severity=Severity.error,
        category_id=rules.category_id,
        url=rules.attribute_page_url or None,
    )


def as_mapping(value: Any) -> Mapping[str, Any]:
    """A JSON object as read from a platform body ({} for anything else)."""
    return value if isinstance(value, Mapping) else {}


def plain_values(attributes: Mapping[str, Any]) -> dict[str, list[AttributeValue]]:
    """Attributes as name -> value, {"value", "unit"}, "500 g", or a list of those (Lazada's and Amazon's shapes)."""
    read: dict[str, list[AttributeValue]] = {}
    for name, raw in attributes.items():
        items = raw if isinstance(raw, list) else [raw]
        read[name] = [one for item in items if (one := value_of(item)) is not None]
    return read


def value_of(item: Any) -> AttributeValue | None:
    if item is None or item == "":
        return AttributeValue("")
    if isinstance(item, Mapping):
        value = item.get("value", item.get("name"))
        unit = item.get("unit")
        text = "" if value is None else str(value)
        if unit in (None, "") and text:
            return split_value_unit(text)
        return AttributeValue(text, None if unit in (None, "") else str(unit))
    if isinstance(item, bool):
        return AttributeValue(str(item).lower())
    return split_value_unit(str(item))


# -----------------------------------------------------------------------------------------------------------
# Platform facts every reader fills in


def attribute_page(platform: Platform, market_code: str, category_id: str) -> str:
    """The seller centre page listing the category's attributes (the taxonomy's link where the market has no host)."""
    found = market(platform.value, market_code)
    host = found.seller_centre_host if found else ""
    template = CATEGORY_ATTRIBUTE_PAGES.get(platform.value, "")
    if not host or not template:
        return _doc_url(ErrorType.CATEGORY_COMPLIANCE_FAILED, platform.value, category_id)
    return template.format(host=host, category_id=category_id)


def min_image_px(platform: Platform) -> int | None:
    return MIN_IMAGE_PX.get(platform.value)


def rules_of(
    platform: Platform, market_code: str, category_id: str, attributes: Sequence[AttributeRule], size: SizeRule | None
) -> CategoryRules:
    """A category's rules as one platform's reader found them, with the platform's facts (image minimum, page)."""
    return CategoryRules(
        platform=platform,
        category_id=category_id,
        attributes=tuple(attributes),
        min_image_px=min_image_px(platform),
        size=size,
        attribute_page_url=attribute_page(platform, market_code, category_id),
    )


# -----------------------------------------------------------------------------------------------------------
# The hook

RulesSource = Callable[[str], Awaitable[CategoryRules]]


async def publish_checked(client: Any, draft: ListingDraft, read_rules: RulesSource | None = None) -> ItemResult:
    """Check the draft against its category's rules, then publish it; a draft that breaks a rule is refused here,
    with no listing call. Rules that cannot be read publish the draft as before: the platform's own refusal stays
    the safety net, and a pre-check must never block a listing the platform would take."""
    reader = read_rules or getattr(client, "get_category_rules", None)
    if reader is not None and draft.category_id and hasattr(client, "draft_values"):
        try:
            rules = await reader(draft.category_id)
        except RulesUnavailable:
            rules = None
        if rules is not None:
            problems = check_draft(rules, draft, client.draft_values(draft))
            if problems:
                return ItemResult(sku=draft.ref.sku, ok=False, errors=problems)
    result: ItemResult = await client.publish_listing(draft)
    return result
