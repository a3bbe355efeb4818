"""Amazon Selling Partner API: `client` (the PlatformClient), `wire` (request shapes), `codes` (classification and
the marketplace table)."""
