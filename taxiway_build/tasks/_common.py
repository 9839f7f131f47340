"""What every task module shares: the ``task`` decorator that turns errors into plain exits."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import invoke

from taxiway_build.errors import TaxiwayError


def task(*args: Any, **kwargs: Any) -> Callable:
    """``invoke.task`` whose body's :class:`TaxiwayError` exits 1 with its message, no traceback."""

    def decorate(body: Callable) -> invoke.Task:
        @functools.wraps(body)
        def run(c: invoke.Context, *a: Any, **kw: Any) -> Any:
            try:
                return body(c, *a, **kw)
            except TaxiwayError as error:
                raise invoke.Exit(f"error: {error}", code=1) from None

        return invoke.task(*args, **kwargs)(run)

    return decorate


def print_changes(outcome: Any) -> None:
    """The files written, containers started, networks joined and reload of a reconcile."""
    for path in outcome.written:
        print(f"  wrote {path}")
    for name in outcome.containers_changed:
        print(f"  started {name}")
    for network in outcome.networks_connected:
        print(f"  proxy joined {network}")
    if outcome.proxy_reloaded:
        print("  proxy reloaded")


def settings():  # noqa: ANN201 - imported lazily to keep `invoke --list` fast
    from taxiway_build.settings import load_settings

    return load_settings()
