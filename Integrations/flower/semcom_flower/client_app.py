"""The Flower ClientApp of a SemCom clinic: train and evaluate run the Swift clinic step.

Each SuperNode is one clinic, bound to its shard by its node config::

    flower-supernode ... --node-config "clinic-id=3 shard='/data/clinic-003.data' state-dir='/var/clinic-3'"

Optional node-config key ``crash-round`` (fault injection): in that round the clinic's Swift
process is killed with SIGKILL shortly after it starts, i.e. the clinic crashes mid-round.
"""

from __future__ import annotations

from pathlib import Path

from flwr.client import ClientApp, NumPyClient
from flwr.client.mod import secaggplus_mod
from flwr.common import Context, Message

from .clinic import ClinicError, SemComClinic

# The run-config keys forwarded to `semcom clinic step/evaluate` as options.
TRAINING_KEYS = ("model", "local-epochs", "batch-size", "local-learning-rate")


def clinic_from_config(run_config: dict) -> SemComClinic:
    """The semcom wrapper for a run's configuration."""
    return SemComClinic(
        semcom=str(run_config["semcom"]),
        seed=int(run_config["seed"]),
        training={key: str(run_config[key]) for key in TRAINING_KEYS},
        timeout=float(run_config["step-timeout"]),
    )


class SemComClient(NumPyClient):
    """One clinic: its shard never leaves the SuperNode; only parameters and counts do."""

    def __init__(self, context: Context) -> None:
        node = context.node_config
        try:
            self.clinic_id = int(node["clinic-id"])
            self.shard = str(node["shard"])
        except KeyError as missing:
            raise ClinicError(f"node config lacks {missing} (needs clinic-id and shard)") from None
        if not Path(self.shard).is_file():
            raise ClinicError(f"clinic {self.clinic_id}: shard {self.shard} does not exist")
        state_dir = Path(str(node.get("state-dir", "."))) / f"run-{context.run_id}"
        state_dir.mkdir(parents=True, exist_ok=True)
        self.state = str(state_dir / f"clinic-{self.clinic_id}.json")
        self.crash_round = int(node.get("crash-round", -1))
        self.run_config = context.run_config
        self.clinic = clinic_from_config(context.run_config)

    def fit(self, parameters, config):
        server_round = int(config["server-round"])
        privacy = None
        if str(self.run_config["privacy-unit"]) == "record":
            privacy = {
                "privacy-unit": "record",
                "noise-multiplier": float(config["noise-multiplier"]),
                "clip-norm": float(self.run_config["clip-norm"]),
                "sampling-rate": float(self.run_config["sampling-rate"]),
                "delta": float(self.run_config["delta"]),
            }
        kill_after = 0.05 if server_round == self.crash_round else None
        local, row = self.clinic.step(
            parameters[0], self.shard, self.clinic_id, server_round - 1, self.state, privacy, kill_after=kill_after
        )
        metrics = {
            "clinic-id": self.clinic_id,
            "loss": float(row["loss"]),
            "epsilon-spent": float(row["epsilon_spent"]),
            "step-seconds": float(row["seconds"]),
        }
        return [local], int(row["examples"]), metrics

    def evaluate(self, parameters, config):
        row = self.clinic.evaluate(parameters[0], self.shard, f"clinic {self.clinic_id} evaluation")
        return float(row["loss"]), int(row["records"]), {"accuracy": float(row["accuracy"]), "clinic-id": self.clinic_id}


def client_fn(context: Context):
    """Flower's factory: one SemComClient per message."""
    return SemComClient(context).to_client()


def optional_secaggplus_mod(msg: Message, context: Context, call_next):
    """Flower's SecAgg+ client mod when the run uses secure aggregation, else a pass-through."""
    if bool(context.run_config.get("secure-aggregation", False)):
        return secaggplus_mod(msg, context, call_next)
    return call_next(msg, context)


app = ClientApp(client_fn=client_fn, mods=[optional_secaggplus_mod])
