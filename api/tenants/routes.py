from __future__ import annotations

from fastapi import APIRouter

from api.deps import AdminDep, PrincipalDep, SessionDep
from api.problems import PROBLEM_RESPONSES
from api.tenants import service
from api.tenants.schemas import SettingsOut, SettingsUpdate

router = APIRouter(prefix="/v1/settings", tags=["settings"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=SettingsOut, operation_id="settings-get")
async def get_settings(principal: PrincipalDep, session: SessionDep) -> SettingsOut:
    """The tenant's settings: event retention, time zone for days in charts and exports, default language."""
    return SettingsOut.model_validate(await service.get_settings(session, principal))


@router.put("", response_model=SettingsOut, operation_id="settings-update")
async def update_settings(body: SettingsUpdate, principal: AdminDep, session: SessionDep) -> SettingsOut:
    return SettingsOut.model_validate(await service.update_settings(session, principal, body))
