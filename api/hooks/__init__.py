"""Platform notifications (webhooks / push): the platforms call `POST /v1/hooks/{platform}/{shop_id}`."""
