"""The one source of error types: code, default severity, titles, suggestions and documentation links.

Imports nothing heavy: workers, platform clients, the API and the UI (through `GET /v1/error-types`) all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    error = "error"  # blocks the flow
    warning = "warning"  # does not


class ErrorType(StrEnum):
    SKU_MAPPING_FAILED = "SKU_MAPPING_FAILED"
    INVENTORY_SYNC_FAILED = "INVENTORY_SYNC_FAILED"
    PRICE_NOT_EFFECTIVE = "PRICE_NOT_EFFECTIVE"
    PRICE_STRATEGY_CONFLICT = "PRICE_STRATEGY_CONFLICT"
    AUTH_EXPIRED = "AUTH_EXPIRED"
    AUTH_SCOPE_MISSING = "AUTH_SCOPE_MISSING"
    CATEGORY_COMPLIANCE_FAILED = "CATEGORY_COMPLIANCE_FAILED"
    PLATFORM_STATE_DELAYED = "PLATFORM_STATE_DELAYED"
    PLATFORM_LIMIT_EXCEEDED = "PLATFORM_LIMIT_EXCEEDED"
    RATE_LIMITED = "RATE_LIMITED"
    PLATFORM_UNAVAILABLE = "PLATFORM_UNAVAILABLE"
    LISTING_REJECTED = "LISTING_REJECTED"
    MEDIA_QUALITY = "MEDIA_QUALITY"
    APPROVAL_PENDING = "APPROVAL_PENDING"
    VALIDATION_FAILED = "VALIDATION_FAILED"
    UNKNOWN_PLATFORM_ERROR = "UNKNOWN_PLATFORM_ERROR"


@dataclass(frozen=True, slots=True)
class ErrorTypeInfo:
    code: ErrorType
    severity: Severity
    title_zh: str
    title_en: str
    suggestion_zh: str
    suggestion_en: str
    # Filled with str.format(platform=..., code=..., category_id=...); unknown keys are left to the caller.
    doc_url_template: str

    def title(self, language: str) -> str:
        return self.title_en if language.startswith("en") else self.title_zh

    def suggestion(self, language: str) -> str:
        return self.suggestion_en if language.startswith("en") else self.suggestion_zh


_DOCS = "https://docs.openclaw.dev/errors/{code}?platform={platform}"

_E, _W = Severity.error, Severity.warning

TAXONOMY: dict[ErrorType, ErrorTypeInfo] = {
    info.code: info
    for info in (
        ErrorTypeInfo(
            ErrorType.SKU_MAPPING_FAILED,
            _E,
            "SKU 映射失败",
            "SKU mapping failed",
            "检查该 SKU 在此店铺的平台商品 ID 绑定是否存在且未被删除；重新同步商品后再推送。",
            "Check that this SKU is bound to a live platform item in this shop; re-sync the catalog, then push again.",
            _DOCS,
        ),
        ErrorTypeInfo(
            ErrorType.INVENTORY_SYNC_FAILED,
            _E,
            "库存同步失败",
            "Inventory sync failed",
            "核对仓库/发货地与库存数值（不能为负、不能超过平台上限），修正后重推库存。",
            "Check the warehouse or location and the quantity (not negative, within the platform's limit), then push the stock again.",
            _DOCS,
        ),
        ErrorTypeInfo(
            ErrorType.PRICE_NOT_EFFECTIVE,
            _E,
            "价格未生效",
            "Price not effective",
            "平台拒绝了该价格：检查是否处于促销/活动锁价、是否低于最低价或类目不允许促销价。",
            "The platform refused the price: check for a running promotion or price lock, the minimum price, "
            "and whether the category allows promotional prices.",
            _DOCS,
        ),
        ErrorTypeInfo(
            ErrorType.PRICE_STRATEGY_CONFLICT,
            _E,
            "调价策略冲突",
            "Price strategy conflict",
            "多个策略在同一时间修改了同一 SKU 的价格：调整策略的店铺范围或优先级。",
            "Several strategies changed the same SKU's price at once: narrow their shop groups or set priorities.",
            _DOCS,
        ),
        ErrorTypeInfo(
            ErrorType.AUTH_EXPIRED,
            _E,
            "授权已过期",
            "Authorisation expired",
            "店铺授权已失效且自动刷新失败：请店铺管理员在卖家后台重新授权。",
            "The shop's authorisation expired and could not be refreshed: ask the shop admin to re-authorise the app.",
            _DOCS,
        ),
        ErrorTypeInfo(
            ErrorType.AUTH_SCOPE_MISSING,
            _E,
            "缺少接口权限",
            "Permission missing",
            "应用缺少该操作所需的权限/角色、店铺区域不匹配，或连接中保存的 App Key/Secret 有误（平台报签名错误）："
            "在开发者后台核对权限与密钥，更新店铺连接后重新授权。",
            "The app lacks the role or scope for this operation, the region is wrong, or the app key/secret stored in "
            "the connection is wrong (the platform reports a bad signature): check them in the developer console, "
            "update the connection and re-authorise.",
            _DOCS,
        ),
        ErrorTypeInfo(
            ErrorType.CATEGORY_COMPLIANCE_FAILED,
            _E,
            "类目合规校验失败",
            "Category compliance failed",
            "补齐该类目要求的必填属性（见缺失属性列表），对照类目属性说明修正后重新提交。",
            "Fill in the attributes this category requires (see the missing attributes) and submit again.",
            "https://docs.openclaw.dev/errors/{code}?platform={platform}&category={category_id}",
        ),
        ErrorTypeInfo(
            ErrorType.PLATFORM_STATE_DELAYED,
            _W,
            "平台状态延迟",
            "Platform confirmation delayed",
            "已推送，平台尚未确认生效；超过时限仍未确认时会转为错误。通常无需处理。",
            "Pushed; the platform has not confirmed it yet. It becomes an error only past its deadline.",
            _DOCS,
        ),
        ErrorTypeInfo(
            ErrorType.PLATFORM_LIMIT_EXCEEDED,
            _E,
            "超出平台限制",
            "Platform limit exceeded",
            "单次请求的数量或数值超出了平台上限：减小批量或数值后重推。",
            "A call exceeded a platform limit (batch size or value): reduce it and push again.",
            _DOCS,
        ),
        ErrorTypeInfo(
            ErrorType.RATE_LIMITED,
            _E,
            "触发平台限流",
            "Rate limited",
            "请求过于频繁，重试额度已用完：降低策略执行频率或错峰执行。",
            "Too many requests and the retry budget ran out: run the strategy less often or off-peak.",
            _DOCS,
        ),
        ErrorTypeInfo(
            ErrorType.PLATFORM_UNAVAILABLE,
            _E,
            "平台服务不可用",
            "Platform unavailable",
            "平台接口超时或返回 5xx：稍后重试；如持续出现请查看平台状态页。",
            "The platform timed out or answered 5xx: retry later, and check the platform's status page if it persists.",
            _DOCS,
        ),
        ErrorTypeInfo(
            ErrorType.LISTING_REJECTED,
            _E,
            "商品被平台驳回",
            "Listing rejected",
            "平台驳回了该商品：按平台给出的原因修改标题、图片或资质后重新提交。",
            "The platform rejected the listing: fix the title, images or qualifications it names and resubmit.",
            _DOCS,
        ),
        ErrorTypeInfo(
            ErrorType.MEDIA_QUALITY,
            _W,
            "图片质量不达标",
            "Media below recommendation",
            "图片尺寸或质量低于平台建议，可能影响曝光：更换更高分辨率的主图。",
            "An image is below the platform's recommendation and may reduce exposure: use a larger main image.",
            _DOCS,
        ),
        ErrorTypeInfo(
            ErrorType.APPROVAL_PENDING,
            _W,
            "等待审批",
            "Awaiting approval",
            "该操作超出策略的风险阈值，需审批后才会推送：请审批人处理。",
            "This action exceeds the strategy's risk policy and waits for a person to approve it.",
            _DOCS,
        ),
        ErrorTypeInfo(
            ErrorType.VALIDATION_FAILED,
            _E,
            "推送前校验失败",
            "Pre-check failed",
            "数据未通过推送前校验（如价格为 0、负库存、该站点价格须为整数）：修正源数据。",
            "The data failed our pre-check (e.g. a zero price, negative stock, whole-number prices in this market): "
            "fix the source data.",
            _DOCS,
        ),
        ErrorTypeInfo(
            ErrorType.UNKNOWN_PLATFORM_ERROR,
            _E,
            "未知平台错误",
            "Unknown platform error",
            "平台返回了未识别的错误：查看原始响应，必要时联系平台支持。",
            "The platform answered with an error we do not recognise: read the raw response and contact the "
            "platform's support if needed.",
            _DOCS,
        ),
    )
}


def info(error_type: ErrorType | str) -> ErrorTypeInfo:
    return TAXONOMY[ErrorType(error_type)]


def title_of(code: str, language: str) -> str:
    """The type's title in the language; a code the taxonomy does not know (an old row) as it is."""
    try:
        return TAXONOMY[ErrorType(code)].title(language)
    except ValueError:
        return code


def doc_url(error_type: ErrorType | str, platform: str, category_id: str = "") -> str:
    return info(error_type).doc_url_template.format(code=str(error_type), platform=platform, category_id=category_id)


# Waiting on the platform or on a person, not on the team: the SLA clock is paused for these (they are left out of
# the time-to-handle figures) and the board shows them as waiting.
SLA_PAUSED: frozenset[ErrorType] = frozenset({ErrorType.PLATFORM_STATE_DELAYED, ErrorType.APPROVAL_PENDING})

# What a second call may answer differently: the platform was busy, down or answered a body we could not read. A
# read-back that meets one of these reads again at its next round instead of deciding the push's outcome.
TRANSIENT: frozenset[ErrorType] = frozenset(
    {ErrorType.RATE_LIMITED, ErrorType.PLATFORM_UNAVAILABLE, ErrorType.UNKNOWN_PLATFORM_ERROR}
)
