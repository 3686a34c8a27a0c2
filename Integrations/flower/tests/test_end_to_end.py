"""The whole path: SuperLink + 3 SuperNodes + `flwr run` for 2 rounds, against the in-process
simulation; and the bad-input paths (wrong .npy, missing shard, unreachable SuperLink for
`flwr run` and for a SuperNode started by the launcher).

Needs the semcom binary: $SEMCOM, else .build/release/semcom or .build/debug/semcom.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent.parent
ROOT = HERE.parent.parent
VENV_BIN = Path(sys.executable).parent


def semcom_binary() -> str:
    for candidate in [os.environ.get("SEMCOM", ""), ROOT / ".build/release/semcom", ROOT / ".build/debug/semcom"]:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    pytest.skip("no semcom binary (build it with `swift build --product semcom`)")


def run(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


LAUNCHER = HERE / "semcom_flower" / "launch_supernode.py"


def flower_env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "home").mkdir(exist_ok=True)
    return dict(
        os.environ, FLWR_HOME=str(tmp_path / "home"), FLWR_TELEMETRY_ENABLED="0", FLWR_DISABLE_UPDATE_CHECK="1",
        PATH=f"{VENV_BIN}:{os.environ.get('PATH', '')}",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_three_clinics_two_rounds_match_the_simulation(tmp_path: Path) -> None:
    semcom = semcom_binary()
    out = tmp_path / "run"
    result = run(
        [str(HERE / "run-local.sh"), "--clinics", "3", "--rounds", "2", "--semcom", semcom, "--out", str(out),
         "--timeout", "400", "--venv", str(VENV_BIN.parent)],
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads((out / "results/results.json").read_text())
    assert [row["round"] for row in document["rows"]] == [1, 2]
    assert all(row["clinics"] == [0, 1, 2] and row["failures"] == 0 for row in document["rows"])

    reference = tmp_path / "sim.npy"
    simulation = run(
        [semcom, "clinic", "simulate", "--clinics", "3", "--rounds", "2", "--seed", "0", "--quiet",
         "--parameters-out", str(reference), "--json", str(tmp_path / "sim.json")],
        timeout=120,
    )
    assert simulation.returncode == 0, simulation.stderr
    flower = np.load(out / "results/final.npy")
    in_process = np.load(reference)
    assert flower.shape == in_process.shape == (10,)
    assert np.max(np.abs(flower - in_process)) < 1e-9
    simulated = json.loads((tmp_path / "sim.json").read_text())["rows"][-1]["accuracy"]
    assert abs(document["final_accuracy"] - simulated) < 1e-12
    # Everything the script started is gone (no SuperLink/SuperNode from this run survives).
    leftovers = run(["pgrep", "-f", str(out)], timeout=10)
    assert leftovers.stdout.strip() == ""


def test_wrong_npy_and_missing_shard_give_clear_errors(tmp_path: Path) -> None:
    semcom = semcom_binary()
    shards = tmp_path / "shards"
    assert run([semcom, "clinic", "shard", "--clinics", "3", "--out-dir", str(shards), "--quiet"], 60).returncode == 0
    np.save(tmp_path / "int.npy", np.zeros(10, dtype=np.int64))
    np.save(tmp_path / "shape.npy", np.zeros((2, 5)))
    np.save(tmp_path / "fortran.npy", np.asfortranarray(np.zeros((2, 5))))
    cases = [
        (tmp_path / "int.npy", shards / "clinic-000.data", "'<i8'"),
        (tmp_path / "shape.npy", shards / "clinic-000.data", "shape (2, 5), expected (10,)"),
        (tmp_path / "fortran.npy", shards / "clinic-000.data", "Fortran order"),
        (shards / "initial.npy", shards / "clinic-042.data", "clinic-042.data"),
    ]
    for parameters, shard, fragment in cases:
        result = run(
            [semcom, "clinic", "step", "--parameters", str(parameters), "--shard", str(shard), "--clinic-id", "0",
             "--round", "0", "--quiet"],
            timeout=60,
        )
        assert result.returncode != 0
        assert fragment in result.stderr, result.stderr


def test_unreachable_superlink_fails_fast(tmp_path: Path) -> None:
    """`flwr run` against a dead SuperLink fails with Flower's clear message."""
    port = free_port()  # a loopback port nobody listens on
    env = flower_env(tmp_path)
    (tmp_path / "home/config.toml").write_text(
        f'[superlink]\ndefault = "dead"\n\n[superlink.dead]\naddress = "127.0.0.1:{port}"\ninsecure = true\n'
    )
    run_result = subprocess.run(
        [str(VENV_BIN / "flwr"), "run", str(HERE), "dead"],
        capture_output=True, text=True, timeout=240, env=env, cwd=tmp_path,
    )
    assert run_result.returncode != 0
    assert "SuperLink is unavailable" in run_result.stdout + run_result.stderr


def test_supernode_launcher_gives_up_on_a_dead_superlink(tmp_path: Path) -> None:
    """Nothing listens: the launcher exits with status 3 naming the address after its connection
    deadline, without starting flower-supernode (which would retry for ever)."""
    address = f"127.0.0.1:{free_port()}"
    result = subprocess.run(
        [sys.executable, str(LAUNCHER), "--superlink", address, "--connect-timeout", "2", "--label", "clinic 7",
         "--", "--insecure", "--port", str(free_port())],
        capture_output=True, text=True, timeout=60, env=flower_env(tmp_path), cwd=tmp_path,
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"clinic 7: the SuperLink at {address} is unreachable" in result.stderr, result.stderr
    assert "Connection refused" in result.stderr


def test_supernode_launcher_gives_up_on_a_port_that_is_not_a_superlink(tmp_path: Path) -> None:
    """Something accepts TCP connections but never answers as a SuperLink (it closes them): the
    SuperNode cannot register, and the launcher stops it within its deadline and exits with
    status 3 naming the address; no Flower process survives."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    address = f"127.0.0.1:{server.getsockname()[1]}"
    done = threading.Event()

    def accept_and_close() -> None:
        while not done.is_set():
            try:
                connection, _ = server.accept()
                connection.close()
            except OSError:
                continue

    thread = threading.Thread(target=accept_and_close, daemon=True)
    thread.start()
    try:
        result = subprocess.run(
            [sys.executable, str(LAUNCHER), "--superlink", address, "--connect-timeout", "3",
             "--max-retries", "1000", "--max-wait-time", "1000", "--",
             "--insecure", "--port", str(free_port())],
            capture_output=True, text=True, timeout=90, env=flower_env(tmp_path), cwd=tmp_path,
        )
    finally:
        done.set()
        thread.join()
        server.close()
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"SuperLink at {address}" in result.stderr, result.stderr
    assert ("did not register" in result.stderr) or ("could not connect" in result.stderr), result.stderr
    leftovers = run(["pgrep", "-f", f"superlink {address}"], timeout=10)
    assert leftovers.returncode == 1, leftovers.stdout  # 1: no process matches (2 would be a pgrep error)
