"""The coordinates of a shared location over a puppet service (gRPC), which python-wechaty lacks.

python-wechaty 0.10.7 has no way to read a location message: neither ``Message`` nor
``wechaty_puppet.Puppet`` (0.4.23) has a location call, and its gRPC stubs (wechaty-grpc
0.20.19) have no ``MessageLocation``. Puppet-service gateways built on wechaty-grpc 1.x serve
``rpc MessageLocation (MessageLocationRequest{string id = 1}) returns
(MessageLocationResponse{LocationPayload location = 1})`` with ``LocationPayload{float accuracy = 1;
string address = 2; double latitude = 3; double longitude = 4; string name = 5}``
(wechaty/grpc proto/wechaty/puppet/location.proto). This module makes that one call through the
client's own channel; a gateway without it (UNIMPLEMENTED, or any failure) gives None and the
caller falls back to the message text (docs/attachments.md).
"""
# No "from __future__ import annotations": betterproto reads the field types of the classes
# declared inside _messages() at run time.

import asyncio
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

PATH = "/wechaty.Puppet/MessageLocation"
TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Place:
    latitude: float
    longitude: float
    address: str
    name: str


@lru_cache(maxsize=1)
def _messages() -> tuple[type, type]:
    """The request and response messages, declared with betterproto (installed with wechaty)."""
    import betterproto

    @dataclass(eq=False, repr=False)
    class LocationPayload(betterproto.Message):
        accuracy: float = betterproto.float_field(1)
        address: str = betterproto.string_field(2)
        latitude: float = betterproto.double_field(3)
        longitude: float = betterproto.double_field(4)
        name: str = betterproto.string_field(5)

    @dataclass(eq=False, repr=False)
    class MessageLocationRequest(betterproto.Message):
        id: str = betterproto.string_field(1)

    @dataclass(eq=False, repr=False)
    class MessageLocationResponse(betterproto.Message):
        location: LocationPayload = betterproto.message_field(1)

    return MessageLocationRequest, MessageLocationResponse


async def place_of(puppet: Any, message_id: str) -> Place | None:
    """The location of ``message_id`` from a puppet service, or None (an in-memory puppet, a
    gateway without the call, an empty answer: latitude and longitude 0 are "not set")."""
    from wechaty_puppet_service import PuppetService

    if not isinstance(puppet, PuppetService):
        return None
    request_type, response_type = _messages()
    try:
        stub = puppet.puppet_stub
        response = await asyncio.wait_for(stub._unary_unary(PATH, request_type(id=message_id), response_type),
                                          TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - UNIMPLEMENTED on older gateways, network trouble
        log.info("no coordinates for location message %s: %r", message_id, exc)
        return None
    loc = response.location
    if loc is None or (not loc.latitude and not loc.longitude):
        return None
    return Place(loc.latitude, loc.longitude, loc.address or "", loc.name or "")
