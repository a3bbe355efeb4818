"""Stand-ins for the alert robots, so the demo's alert rules have somewhere local to post: WeCom group robot,
DingTalk custom robot, Feishu/Lark custom bot and a generic webhook, at the paths the real ones use (OpenClaw
checks those paths), answering as they do. Every message is kept; `GET /_sandbox/robots/messages` lists them.

A key, access token or hook token containing "invalid" is answered with the robot's own refusal (WeCom 93000,
DingTalk 300001, Feishu 19001): the demo and tests can watch a failing channel.
"""

from __future__ import annotations

import json
from collections import deque
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

KEPT = 500
OK = {"errcode": 0, "errmsg": "ok"}
FEISHU_OK = {"code": 0, "msg": "success", "data": {}, "StatusCode": 0, "StatusMessage": "success"}


class Robots:
    def __init__(self) -> None:
        self.messages: deque[dict[str, Any]] = deque(maxlen=KEPT)

    async def keep(self, request: Request, robot: str, target: str) -> None:
        raw = await request.body()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self.messages.append(
            {
                "robot": robot,
                "target": target,
                "received_at": datetime.now(UTC).isoformat(),
                "query": dict(request.query_params),
                "signature": request.headers.get("x-openclaw-signature"),
                "body": body,
            }
        )


def router(robots: Robots) -> APIRouter:
    routes = APIRouter(tags=["robots"])

    @routes.post("/cgi-bin/webhook/send")
    async def wecom(request: Request, key: str = "") -> JSONResponse:
        await robots.keep(request, "wecom", key)
        if "invalid" in key:
            return JSONResponse({"errcode": 93000, "errmsg": "invalid webhook url, hint: [1700000000_1] key invalid"})
        return JSONResponse(OK)

    @routes.post("/robot/send")
    async def dingtalk(request: Request, access_token: str = "") -> JSONResponse:
        await robots.keep(request, "dingtalk", access_token)
        if "invalid" in access_token:
            return JSONResponse({"errcode": 300001, "errmsg": "token is not exist"})
        return JSONResponse(OK)

    @routes.post("/open-apis/bot/v2/hook/{token}")
    async def feishu(request: Request, token: str) -> JSONResponse:
        await robots.keep(request, "feishu", token)
        if "invalid" in token:
            return JSONResponse(
                {"code": 19001, "msg": "param invalid: incoming webhook access token invalid", "data": {}}
            )
        return JSONResponse(FEISHU_OK)

    @routes.post("/_sandbox/webhook/{name}")
    async def webhook(request: Request, name: str) -> JSONResponse:
        await robots.keep(request, "webhook", name)
        return JSONResponse({"ok": True})

    @routes.get("/_sandbox/robots/messages")
    async def messages(robot: str | None = None) -> dict[str, Any]:
        """What the robots received, oldest first (the last 500)."""
        return {"messages": [m for m in robots.messages if robot is None or m["robot"] == robot]}

    return routes
