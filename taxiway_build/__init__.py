"""taxiway-build: per-lab LiteLLM gateways for AI coding agents.

Layers, top to bottom: inputs (``settings``, ``lab``, ``catalog``), pure ``builders``,
the ``plan`` that serializes them into files, effects (``fs``, ``docker``, ``wait``) and
thin Invoke ``tasks``.
"""
