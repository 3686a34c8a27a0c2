"""Calling the Swift clinic step (``semcom clinic …``) from Python, with timeouts.

Arrays cross the process boundary as ``.npy`` files (float64, shape ``(P,)``), metrics as the
JSON result documents of the ``semcom`` CLI (``{"command", "seed", "inputs", "rows"}``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


def _save_vector(path: Path, parameters: np.ndarray) -> None:
    """Writes parameters as the float64 ``(P,)`` vector ``semcom`` reads."""
    np.save(path, np.asarray(parameters, dtype=np.float64).reshape(-1))


class ClinicError(RuntimeError):
    """A clinic step failed: non-zero exit, killed, timed out, or produced unreadable output."""


@dataclass
class SemComClinic:
    """One clinic's access to the ``semcom`` binary.

    ``training`` holds the model and local-training options shared by the federation
    (``--model``, ``--local-epochs``, …); ``timeout`` bounds every call in seconds.
    """

    semcom: str
    seed: int
    training: dict[str, str] = field(default_factory=dict)
    timeout: float = 300.0

    def _options(self) -> list[str]:
        args: list[str] = []
        for key, value in self.training.items():
            args += [f"--{key}", str(value)]
        return args

    def _run(self, args: list[str], what: str, kill_after: float | None = None) -> None:
        """Runs ``semcom ARGS``; raises ClinicError with its stderr on failure.

        ``kill_after`` (fault injection) sends SIGKILL that many seconds after the start: the
        clinic's computation crashes mid-round.
        """
        command = [self.semcom, *args, "--seed", str(self.seed), "--threads", "1", "--quiet"]
        try:
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
            )
        except OSError as error:
            raise ClinicError(f"{what}: cannot start {self.semcom!r}: {error}") from error
        try:
            if kill_after is not None:
                time.sleep(kill_after)
                os.killpg(process.pid, signal.SIGKILL)
            _, stderr = process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ClinicError(f"{what}: timed out after {self.timeout:.0f} s and was killed") from None
        if process.returncode < 0:
            raise ClinicError(f"{what}: killed by signal {-process.returncode}")
        if process.returncode != 0:
            raise ClinicError(f"{what}: exit status {process.returncode}: {stderr.strip()}")

    @staticmethod
    def _row(path: Path, what: str) -> dict:
        try:
            return json.loads(path.read_text())["rows"][0]
        except (OSError, ValueError, KeyError, IndexError) as error:
            raise ClinicError(f"{what}: unreadable result {path}: {error}") from error

    def step(
        self,
        parameters: np.ndarray,
        shard: str,
        clinic_id: int,
        round_index: int,
        state: str,
        privacy: dict[str, str] | None = None,
        kill_after: float | None = None,
    ) -> tuple[np.ndarray, dict]:
        """One round of local training; returns the clinic's parameters and its metrics row
        (``examples``, ``loss``, ``epsilon_spent``, ``seconds``, …). ``round_index`` is 0-based (the
        Swift step's ``--round``); messages name the 1-based round, as Flower's log does."""
        what = f"clinic {clinic_id} round {round_index + 1}"
        with tempfile.TemporaryDirectory(prefix="semcom-step-") as tmp:
            tmp_path = Path(tmp)
            _save_vector(tmp_path / "global.npy", parameters)
            args = [
                "clinic", "step",
                "--parameters", str(tmp_path / "global.npy"),
                "--shard", shard,
                "--clinic-id", str(clinic_id),
                "--round", str(round_index),
                "--state", state,
                "--parameters-out", str(tmp_path / "local.npy"),
                "--json", str(tmp_path / "step.json"),
                *self._options(),
            ]
            for key, value in (privacy or {}).items():
                args += [f"--{key}", str(value)]
            self._run(args, what, kill_after=kill_after)
            row = self._row(tmp_path / "step.json", what)
            try:
                local = np.load(tmp_path / "local.npy")
            except (OSError, ValueError) as error:
                raise ClinicError(f"{what}: unreadable parameters: {error}") from error
        return local, row

    def evaluate(self, parameters: np.ndarray, data: str, what: str) -> dict:
        """Accuracy and loss of ``parameters`` on a UCI-format file; returns the metrics row."""
        with tempfile.TemporaryDirectory(prefix="semcom-eval-") as tmp:
            tmp_path = Path(tmp)
            _save_vector(tmp_path / "p.npy", parameters)
            args = [
                "clinic", "evaluate",
                "--parameters", str(tmp_path / "p.npy"),
                "--data", data,
                "--json", str(tmp_path / "eval.json"),
                *self._options(),
            ]
            self._run(args, what)
            return self._row(tmp_path / "eval.json", what)

    def privacy_plan(self, epsilon: float, delta: float, rounds: int, clip_norm: float, sampling_rate: float) -> list[dict]:
        """The noise multiplier and the epsilon after each round (``semcom clinic privacy-plan``)."""
        with tempfile.TemporaryDirectory(prefix="semcom-plan-") as tmp:
            out = Path(tmp) / "plan.json"
            args = [
                "clinic", "privacy-plan",
                "--epsilon", str(epsilon), "--delta", str(delta), "--rounds", str(rounds),
                "--clip-norm", str(clip_norm), "--sampling-rate", str(sampling_rate),
                "--json", str(out),
                *self._options(),
            ]
            self._run(args, "privacy plan")
            try:
                return json.loads(out.read_text())["rows"]
            except (OSError, ValueError, KeyError) as error:
                raise ClinicError(f"privacy plan: unreadable result: {error}") from error
