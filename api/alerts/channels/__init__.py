"""The outbound half of alerts: what an alert says (message), how each channel renders and sends it, and the one
entry point the evaluator calls (send.send_alert). Targets are checked by api/alerts/outbound.py."""
