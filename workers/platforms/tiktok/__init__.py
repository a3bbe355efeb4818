"""TikTok Shop: `client` (the PlatformClient), `wire` (signing and hosts), `codes` (classification, read-back)."""
