"""The Invoke collection. Embed it with ``from taxiway_build.tasks import ns``.

Task modules import their heavy dependencies inside task bodies, so ``invoke --list`` (which
Makefiles pay on every call) stays about as fast as an empty collection.
"""

from __future__ import annotations

from invoke import Collection

from taxiway_build.tasks import clients as _clients
from taxiway_build.tasks import credentials as _credentials
from taxiway_build.tasks import gateway as _gateway
from taxiway_build.tasks import info as _info
from taxiway_build.tasks import lab as _lab
from taxiway_build.tasks import observe as _observe
from taxiway_build.tasks import up as _up

gateway = Collection.from_module(_gateway, name="gateway")
ns = Collection(Collection.from_module(_lab, name="lab"), gateway, _up.up, _info.access, _info.status, _info.doctor)
ns.add_collection(Collection.from_module(_credentials, name="credentials"))
ns.add_collection(Collection.from_module(_observe, name="observe"))
ns.add_task(_clients.clients)

__all__ = ["ns"]
