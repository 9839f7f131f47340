"""Run one fake as a process: ``python -m tests.fakes KIND [--host H] [--port N] [--log FILE]``."""

from __future__ import annotations

import argparse
import sys

from . import fake_anthropic, fake_chatgpt, fake_otlp_collector

KINDS = {"anthropic": fake_anthropic, "chatgpt": fake_chatgpt, "otlp": fake_otlp_collector}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakes", description=__doc__)
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--log", help="append every request to this file as JSON lines")
    args = parser.parse_args(argv)
    log = open(args.log, "a") if args.log else None  # noqa: SIM115 - open for the server's life
    server = KINDS[args.kind](args.port, host=args.host, log=log)
    print(f"fake {args.kind} listening on {server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if log:
            log.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
