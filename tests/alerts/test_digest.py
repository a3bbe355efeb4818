"""A burst for one channel becomes one summary message; long messages are cut to the robots' byte limits."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from api.alerts.channels import wecom
from api.alerts.channels.message import AlertSeverity, Counted, Mentions, fit_bytes, merge_messages
from tests.alerts.conftest import alert


def test_a_burst_is_merged_into_one_summary() -> None:
    first = alert()
    second = alert(
        title="TikTok 库存同步失败",
        severity=AlertSeverity.warning,
        count=30,
        threshold=20,
        occurred_at=datetime(2026, 11, 25, 8, 5, tzinfo=UTC),
        top_error_types=(Counted("INVENTORY_SYNC_FAILED", 30, "库存同步失败"), Counted("RATE_LIMITED", 5, "触发限流")),
        top_shops=(Counted("shop-9", 30, "TikTok US"),),
        mentions=Mentions(mobiles=("13800001111", "13900002222"), everyone=True),
    )
    digest = merge_messages([first, second])
    assert digest.title == "2 条告警汇总"
    assert digest.severity is AlertSeverity.critical
    assert digest.count == 158
    assert digest.occurred_at == second.occurred_at
    assert digest.top_error_types[:2] == (
        Counted("PRICE_NOT_EFFECTIVE", 80, "价格未生效"),
        Counted("RATE_LIMITED", 53, "触发限流"),
    )
    assert digest.mentions == Mentions(mobiles=("13800001111", "13900002222"), user_ids=("zhangsan",), everyone=True)
    assert [p.title for p in digest.parts] == [first.title, second.title]
    assert merge_messages([digest, alert()]).parts[-1].title == first.title  # digests flatten
    assert merge_messages([first]) is first
    markdown, text = wecom.render(digest)
    content = markdown["markdown"]["content"]
    assert "> 2 条规则触发，共 158 个错误" in content
    assert "- [警告] TikTok 库存同步失败: 60 分钟内 30 个错误，超过阈值 20" in content
    assert text["text"]["mentioned_mobile_list"] == ["13800001111", "13900002222", "@all"]


def test_long_markdown_is_cut_at_whole_lines_within_the_byte_limit() -> None:
    shops = tuple(Counted(f"shop-{i}", 1000 - i, f"一个名字很长很长的店铺 {i} 号" * 3) for i in range(200))
    payload = wecom.render(alert(top_shops=shops, mentions=Mentions()))[0]
    content = payload["markdown"]["content"]
    assert len(content.encode()) <= wecom.MARKDOWN_MAX_BYTES
    assert "（内容过长，已截断，请在看板中查看全部）\n\n[在看板中查看](https://openclaw.example.com/board?" in content
    assert content.endswith("since=60m)")  # the board link survives the cut
    assert len(orjson.dumps(payload)) < 4500
    assert fit_bytes("短", 10, "…") == "短"
    assert len(fit_bytes("长" * 5000, 100, "…").encode()) <= 100
