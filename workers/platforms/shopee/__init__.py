"""Shopee Open Platform v2: `client` (the PlatformClient), `wire` (signing), `codes` (classification), `items`
(pre-checks, request bodies and read-back)."""
