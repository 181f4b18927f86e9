"""``GET /api/v1/me``: who the token is, in which cooperative, and what it may do right now
(its scopes narrowed to what the user's roles still allow)."""

from __future__ import annotations

from outlet_pos.api.schema import array, component, ident, nullable, obj, string
from outlet_pos.api.spec import Operation, endpoint
from outlet_pos.api.tokens import SCOPES

STAMP = {"type": "string", "format": "date-time"}
SCOPE = string(enum=list(SCOPES))
ME = component(
    "Me",
    obj(
        {
            "token": obj(
                {
                    "id": ident(),
                    "device_name": string(),
                    "prefix": string(),
                    "scopes": array(SCOPE),
                    "created_at": STAMP,
                    "expires_at": nullable(STAMP),
                    "last_used_at": nullable(STAMP),
                },
                [
                    "id",
                    "device_name",
                    "prefix",
                    "scopes",
                    "created_at",
                    "expires_at",
                    "last_used_at",
                ],
            ),
            "user": obj(
                {"id": ident(), "username": string(), "full_name": string()},
                ["id", "username", "full_name"],
            ),
            "cooperative": obj(
                {
                    "id": ident(),
                    "name": string(),
                    "timezone": string(),
                    "today": string(format="date"),
                },
                ["id", "name", "timezone", "today"],
            ),
            "roles": array(string()),
            "effective_scopes": array(
                SCOPE, description="Cakupan token yang masih diizinkan peran pengguna saat ini."
            ),
        },
        ["token", "user", "cooperative", "roles", "effective_scopes"],
    ),
)


def _stamp(value) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


@endpoint(
    "/me",
    Operation(
        "GET",
        "Token ini dan haknya",
        "Token",
        {200: ("Token, pengguna, koperasi dan cakupan yang berlaku.", ME)},
        description="Tidak perlu cakupan khusus: setiap token yang berlaku boleh bertanya.",
        permission="home",
    ),
)
def me(call):
    caller = call.caller
    token, user, coop = caller.token, caller.user, caller.coop
    effective = [
        name
        for name in token.scope_list
        if name in SCOPES and any(user.can(p, coop) for p in SCOPES[name].permissions)
    ]
    return {
        "token": {
            "id": token.id,
            "device_name": token.device_name,
            "prefix": token.prefix,
            "scopes": token.scope_list,
            "created_at": _stamp(token.created_at),
            "expires_at": _stamp(token.expires_at),
            "last_used_at": _stamp(token.last_used_at),
        },
        "user": {"id": user.id, "username": user.username, "full_name": user.full_name},
        "cooperative": {
            "id": coop.id,
            "name": coop.name,
            "timezone": coop.timezone,
            "today": coop.today().isoformat(),
        },
        "roles": sorted(user.roles_in(coop)),
        "effective_scopes": effective,
    }
