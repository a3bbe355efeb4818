"""The platform sandbox: a local emulator of Amazon SP-API, TikTok Shop, Shopee and Lazada (see README.md)."""

from sandbox.app import create_app, serve
from sandbox.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["Scenario", "ScenarioError", "create_app", "load_scenario", "serve"]
