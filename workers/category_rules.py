"""Category rules cached in Redis per (platform, market, category), so that one publish batch, and every batch of
the next day, reads a category's rules from the platform once."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from workers.platforms.rules import CategoryRules, RulesSource

TTL = timedelta(hours=24)  # platforms change category rules rarely and announce it; a day old is fresh enough
KEY = "openclaw:category-rules:{platform}:{market}:{category_id}"


def cache_key(platform: str, market: str, category_id: str) -> str:
    return KEY.format(platform=platform, market=market.upper(), category_id=category_id)


def cached(redis: Any, platform: str, market: str, load: RulesSource, ttl: timedelta = TTL) -> RulesSource:
    """`load` (a client's get_category_rules) behind the Redis cache. A failed read is not cached (it raises)."""

    async def read(category_id: str) -> CategoryRules:
        key = cache_key(platform, market, category_id)
        stored = await redis.get(key)
        if stored:
            try:
                return CategoryRules.from_json(json.loads(stored))
            except (ValueError, KeyError, TypeError):
                pass  # written by another version: read the platform again
        rules = await load(category_id)
        await redis.set(key, json.dumps(rules.to_json()), ex=int(ttl.total_seconds()))
        return rules

    return read
