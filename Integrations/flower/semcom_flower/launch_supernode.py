"""Starts one clinic's Flower SuperNode with a connection deadline, so nothing waits forever.

A bare ``flower-supernode`` pointed at a SuperLink that is down keeps retrying for ever (its
``--max-retries``/``--max-wait-time`` default to no limit). This launcher bounds every phase
and names the address in its error:

1. **Reachability**: it connects to the SuperLink's address over TCP until ``--connect-timeout``
   seconds have passed (a SuperLink starting a little after its clinics is fine). Nothing
   answering by then: exit status 3, ``the SuperLink at HOST:PORT is unreachable …``.
2. **Registration**: it starts ``flower-supernode`` with bounded retries and waits, again at most
   ``--connect-timeout`` seconds, for the SuperNode to register (Flower's ``SuperNode ID:`` log
   line). Something answering that is not a SuperLink, or a SuperLink that refuses the node:
   exit status 3 with Flower's reason.
3. **Running**: the SuperNode then serves the federation; if it loses the SuperLink, Flower gives
   up after ``--max-wait-time`` seconds of failed retries and the launcher exits non-zero.

SIGTERM/SIGINT stop the SuperNode and everything it started (its SuperExec and ClientApps run in
its process group: the launcher's own when the launcher leads one, as under ``setsid``).

Usage (``--`` separates flower-supernode's own options)::

    python launch_supernode.py --superlink 10.42.0.1:9092 --connect-timeout 60 -- \
        --insecure --port 9094 --node-config "clinic-id=3 shard='/data/clinic-003.data'"

Standard library only; runs with the Flower virtual environment's Python (``flower-supernode``
is looked up next to it, then on PATH).
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

UNREACHABLE = 3
REGISTERED_MARKER = "SuperNode ID:"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def parse_address(address: str) -> tuple[str, int]:
    """``host:port`` (``[v6]:port`` for IPv6) → (host, port); raises ValueError naming the address."""
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--superlink {address!r}: expected HOST:PORT with a port in 1…65535")
    return host.strip("[]"), int(port)


def wait_reachable(host: str, port: int, timeout: float) -> str | None:
    """Tries TCP connections to host:port until one succeeds (→ None) or ``timeout`` seconds
    have passed (→ the last error, as text)."""
    deadline = time.monotonic() + timeout
    last = "no attempt"
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return last
        try:
            socket.create_connection((host, port), timeout=min(2.0, max(0.1, remaining))).close()
            return None
        except OSError as error:
            last = error.strerror or str(error) or type(error).__name__
        time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))


def supernode_command() -> str:
    beside = os.path.join(os.path.dirname(sys.executable), "flower-supernode")
    if os.access(beside, os.X_OK):
        return beside
    found = shutil.which("flower-supernode")
    if found is None:
        raise FileNotFoundError("flower-supernode is neither next to this Python nor on PATH")
    return found


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    passthrough: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, passthrough = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(prog="launch_supernode", description=__doc__.splitlines()[0])
    parser.add_argument("--superlink", required=True, help="the SuperLink's Fleet API address, HOST:PORT")
    parser.add_argument("--connect-timeout", type=float, default=60.0,
                        help="seconds to reach the SuperLink, and again to register with it (default 60)")
    parser.add_argument("--max-wait-time", type=float, default=60.0,
                        help="seconds a running SuperNode retries a lost SuperLink before it gives up (default 60)")
    parser.add_argument("--max-retries", type=int, default=10,
                        help="retries of one request to the SuperLink before the SuperNode gives up (default 10)")
    parser.add_argument("--label", default="SuperNode", help="how to name this SuperNode in messages (e.g. 'clinic 3')")
    args = parser.parse_args(argv)
    prefix = f"launch_supernode: {args.label}"
    try:
        host, port = parse_address(args.superlink)
        if args.connect_timeout <= 0 or args.max_wait_time <= 0 or args.max_retries < 0:
            raise ValueError("--connect-timeout and --max-wait-time must be > 0, --max-retries >= 0")
        executable = supernode_command()
    except (ValueError, FileNotFoundError) as error:
        print(f"{prefix}: {error}", file=sys.stderr, flush=True)
        return 2

    # 1. Reachability.
    error = wait_reachable(host, port, args.connect_timeout)
    if error is not None:
        print(f"{prefix}: the SuperLink at {args.superlink} is unreachable: no TCP connection within "
              f"{args.connect_timeout:g} s (last error: {error})", file=sys.stderr, flush=True)
        return UNREACHABLE

    # 2. Registration, watched; the SuperNode's output is forwarded line by line.
    command = [executable, "--superlink", args.superlink, "--max-retries", str(args.max_retries),
               "--max-wait-time", f"{args.max_wait_time:g}", *passthrough]
    # As a process-group leader (run-local.sh starts us with setsid) the SuperNode, its SuperExec and
    # its ClientApps stay in our group, so killing the group kills them all; otherwise (started from
    # a shell or a test) they get a session of their own, which stop() kills.
    own_group = os.getpgrp() == os.getpid()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                               start_new_session=not own_group)
    group = os.getpgrp() if own_group else process.pid
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()

    def stop(*_: object) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        # What the SuperNode started (its SuperExec and ClientApps) is in its process group; they
        # may outlive it (and keep its output pipe open), so the group is stopped too.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if own_group:  # our group holds us too: SIGTERM only (a leftover SuperExec exits with its parent)
            try:
                os.killpg(group, signal.SIGTERM)
            except OSError:
                pass
            time.sleep(0.5)
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(group, sig)
            except OSError:
                return  # the group is gone
            for _ in range(50):
                time.sleep(0.1)
                try:
                    os.killpg(group, 0)
                except OSError:
                    return

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(143)))
    signal.signal(signal.SIGINT, lambda *_: (stop(), sys.exit(130)))

    deadline = time.monotonic() + args.connect_timeout
    seen: list[str] = []
    while True:
        try:
            line = lines.get(timeout=0.25)
        except queue.Empty:
            line = ""
        if line and REGISTERED_MARKER in line:
            break
        if line and line.strip() and not line.startswith("INFO:"):
            seen = (seen + [ANSI_ESCAPE.sub("", line).strip()])[-40:]
        if line is None or (not line and process.poll() is not None):
            # Exited before registering (what it started may still hold the pipe open).
            status = process.wait()
            stop()
            marks = [i for i, text in enumerate(seen) if "Exit Code" in text]
            reason = " ".join(seen[marks[-1] : marks[-1] + 4] if marks else seen[-3:])
            print(f"{prefix}: could not connect to the SuperLink at {args.superlink} (flower-supernode exit "
                  f"status {status}): {reason}", file=sys.stderr, flush=True)
            return UNREACHABLE
        if time.monotonic() > deadline:
            stop()
            print(f"{prefix}: the SuperNode did not register with the SuperLink at {args.superlink} within "
                  f"{args.connect_timeout:g} s; stopped it", file=sys.stderr, flush=True)
            return UNREACHABLE

    # 3. Running: until the SuperNode exits (or we are stopped).
    status = process.wait()
    if status != 0:
        print(f"{prefix}: the SuperNode connected to {args.superlink} exited with status {status}",
              file=sys.stderr, flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
