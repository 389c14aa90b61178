"""FastAPI dependencies as `Annotated` aliases; tests swap them with `app.dependency_overrides`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assist.auth import Caller, Role, authenticate, parse_api_keys
from assist.config import Settings, get_settings
from assist.db import Database
from assist.services import Services

SettingsDep = Annotated[Settings, Depends(get_settings)]


# Dependencies are `async def` although they never await: FastAPI runs a plain `def` dependency in its thread
# pool, and four thread hand-offs per request cost more than these dictionary lookups.


async def get_services(request: Request) -> Services:
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "service is starting")
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_store(services: ServicesDep) -> Database:
    return services.db


StoreDep = Annotated[Database, Depends(get_store)]


async def get_retriever(services: ServicesDep) -> Any:
    return services.knowledge


RetrieverDep = Annotated[Any, Depends(get_retriever)]


async def get_llm(services: ServicesDep) -> Any:
    return services.llm


LLMDep = Annotated[Any, Depends(get_llm)]

_bearer = HTTPBearer(auto_error=False)


async def get_caller(
    settings: SettingsDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing API key: send Authorization: Bearer <key>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    caller = authenticate(parse_api_keys(settings.api_keys), credentials.credentials)
    if caller is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown API key", headers={"WWW-Authenticate": "Bearer"})
    return caller


def require(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency admitting `roles` and admin; any other authenticated caller gets 403."""
    allowed = {*roles, Role.admin}

    async def check(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
        if caller.role not in allowed:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"role {caller.role} may not do this; needs one of {', '.join(sorted(allowed))}",
            )
        return caller

    return check


ChannelCaller = Annotated[Caller, Depends(require(Role.channel))]
AgentCaller = Annotated[Caller, Depends(require(Role.agent))]
TriageCaller = Annotated[Caller, Depends(require(Role.channel, Role.agent))]
QACaller = Annotated[Caller, Depends(require(Role.qa))]
KnowledgeReader = Annotated[Caller, Depends(require(Role.agent, Role.knowledge_owner))]
KnowledgeOwner = Annotated[Caller, Depends(require(Role.knowledge_owner))]
