"""Bounded waits (tenacity), failing with what was awaited, for how long, and the last error."""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable
from dataclasses import dataclass

import tenacity

from taxiway_build.errors import TaxiwayError


@dataclass(frozen=True)
class Probe:
    """An HTTP GET to ``address:port`` with an explicit Host header (no DNS for *.localhost)."""

    address: str
    port: int
    host: str
    path: str = "/health/liveliness"

    def __call__(self) -> None:
        conn = http.client.HTTPConnection(self.address, self.port, timeout=3)
        try:
            conn.request("GET", self.path, headers={"Host": f"{self.host}:{self.port}"})
            response = conn.getresponse()
            body = response.read(200)
        finally:
            conn.close()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} {body.decode(errors='replace').strip()[:120]}")

    def describe(self) -> str:
        return f"http://{self.host}:{self.port}{self.path} (via {self.address})"


def wait_until(
    check: Callable[[], None],
    *,
    what: str,
    timeout: float,
    interval: float = 1.0,
    progress: Callable[[float, str], None] | None = None,
    on_timeout: Callable[[], str] = lambda: "",
) -> float:
    """Call ``check`` until it stops raising; return the seconds waited.

    On timeout raise :class:`TaxiwayError` naming ``what``, the time waited, the last error
    and whatever ``on_timeout`` adds (container state, log tail).
    """
    start = time.monotonic()
    last_report = [start]

    def report(state: tenacity.RetryCallState) -> None:
        now = time.monotonic()
        if progress and now - last_report[0] >= 10:
            last_report[0] = now
            error = state.outcome.exception() if state.outcome else None
            progress(now - start, str(error) if error else "")

    try:
        for attempt in tenacity.Retrying(
            stop=tenacity.stop_after_delay(timeout),
            wait=tenacity.wait_fixed(interval),
            retry=tenacity.retry_if_exception_type(Exception),
            after=report,
            reraise=True,
        ):
            with attempt:
                check()
    except Exception as error:  # noqa: BLE001 - any probe failure is the "last error"
        waited = time.monotonic() - start
        extra = on_timeout()
        raise TaxiwayError(
            f"timed out after {waited:.0f}s waiting for {what}; last error: {error}" + (f"\n{extra}" if extra else ""),
            "check `invoke status`; raise the limit with TAXIWAY_WAIT_TIMEOUT=<seconds>",
        ) from None
    return time.monotonic() - start
