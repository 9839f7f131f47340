"""Pure builders: ``inputs -> dict | str``.

No file or network IO, no clock, no randomness, no environment reads: keys, ports, paths and
images come in as arguments. One module per artifact family; ``taxiway_build.plan`` turns
their output into files.
"""
