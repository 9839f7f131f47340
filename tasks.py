"""taxiway-build tasks: `invoke --list` shows them; see README.md."""

from taxiway_build.tasks import ns

__all__ = ["ns"]
