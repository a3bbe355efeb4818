"""Lazada Open Platform: `client` (the PlatformClient), `wire` (signing, request bodies, read-back), `codes`
(classification)."""
