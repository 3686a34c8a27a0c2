"""The Flower ServerApp: Flower's FedAvg over SemCom clinics, optionally with SecAgg+.

Flower samples every clinic each round, sends the global parameters, waits for the replies
and averages them weighted by the clinics' record counts (FedAvg, McMahan et al. 2017) — or,
with ``secure-aggregation = true``, runs the SecAgg+ workflow (Bell et al. 2020) so that the
server only learns the weighted sum. Failures (a clinic that crashes mid-round) are accepted:
the round aggregates the survivors and the failure is reported in ``results.json``.

The global model is evaluated centrally on the held-out test set after every round with
``semcom clinic evaluate``; with record-level DP the noise multiplier comes from
``semcom clinic privacy-plan`` and the epsilon spent is the largest any clinic reports.
"""

from __future__ import annotations

import json
import time
from logging import INFO
from pathlib import Path

import numpy as np
from flwr.common import Context, log, ndarrays_to_parameters
from flwr.server import Grid, LegacyContext, ServerApp, ServerConfig
from flwr.server.strategy import FedAvg
from flwr.server.workflow import DefaultWorkflow, SecAggPlusWorkflow

from .client_app import clinic_from_config


class TimeoutGrid:
    """The run's Grid, with a default timeout on every send-and-receive (Flower's default fit and
    evaluate workflows wait without one): a clinic that never answers cannot hang the round."""

    def __init__(self, grid: Grid, timeout: float) -> None:
        self._grid = grid
        self._timeout = timeout

    def send_and_receive(self, messages, *, timeout=None):
        return self._grid.send_and_receive(messages, timeout=self._timeout if timeout is None else timeout)

    def __getattr__(self, name):
        return getattr(self._grid, name)


class ReportingFedAvg(FedAvg):
    """Flower's FedAvg, plus a per-round record: fit wall time, survivors, failures, epsilon."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rounds: dict[int, dict] = {}
        self._fit_started: dict[int, float] = {}
        self._sampled: dict[int, int] = {}

    def configure_fit(self, server_round, parameters, client_manager):
        self._fit_started[server_round] = time.perf_counter()
        instructions = super().configure_fit(server_round, parameters, client_manager)
        self._sampled[server_round] = len(instructions)
        return instructions

    def aggregate_fit(self, server_round, results, failures):
        aggregated = super().aggregate_fit(server_round, results, failures)
        metrics = [fit_res.metrics for _, fit_res in results]
        reasons = [str(f) if isinstance(f, BaseException) else f"clinic reply with status {f[1].status}" for f in failures]
        self.rounds[server_round] = {
            "round": server_round,
            "fit_seconds": time.perf_counter() - self._fit_started.get(server_round, time.perf_counter()),
            "clinics": sorted(int(m.get("clinic-id", -1)) for m in metrics),
            "examples": sum(fit_res.num_examples for _, fit_res in results),
            "failures": len(failures),
            "no_reply": max(0, self._sampled.get(server_round, 0) - len(results) - len(failures)),
            "failure_reasons": reasons,
            "epsilon_spent": max((float(m.get("epsilon-spent", 0.0)) for m in metrics), default=0.0),
        }
        for reason in reasons:
            log(INFO, "round %s: clinic failure survived: %s", server_round, reason)
        return aggregated


app = ServerApp()


@app.main()
def main(grid: Grid, context: Context) -> None:
    cfg = context.run_config
    clinic = clinic_from_config(cfg)
    shards = Path(str(cfg["shards-dir"]))
    results_dir = Path(str(cfg["results-dir"]))
    results_dir.mkdir(parents=True, exist_ok=True)
    rounds = int(cfg["num-server-rounds"])
    clinics = int(cfg["num-clinics"])
    initial = np.load(shards / "initial.npy")
    test_data = str(shards / "test.data")

    sigma = 0.0
    plan: list[dict] = []
    if str(cfg["privacy-unit"]) == "record":
        plan = clinic.privacy_plan(
            float(cfg["epsilon"]), float(cfg["delta"]), rounds, float(cfg["clip-norm"]), float(cfg["sampling-rate"])
        )
        sigma = float(plan[0]["noise_multiplier"])
        log(INFO, "record-level DP-SGD in the clinics: sigma = %.6f for epsilon = %s", sigma, cfg["epsilon"])

    evaluations: dict[int, dict] = {}
    latest: dict[str, np.ndarray] = {}
    started = time.perf_counter()

    def write_results(final_run: bool) -> None:
        """results.json after every round (a run cut short still leaves its completed rounds)."""
        rows = []
        for r in range(1, rounds + 1):
            if r not in strategy.rounds:
                continue
            row = dict(strategy.rounds[r])
            evaluation = evaluations.get(r, {})
            row["accuracy"] = evaluation.get("accuracy")
            row["loss"] = evaluation.get("loss")
            rows.append(row)
        if "parameters" in latest:
            np.save(results_dir / "final.npy", np.asarray(latest["parameters"], dtype=np.float64))
        final = rows[-1] if rows else {}
        document = {
            "command": "flower run",
            "seed": int(cfg["seed"]),
            "complete": final_run,
            "inputs": {k: str(v) for k, v in cfg.items()},
            "noise_multiplier": sigma,
            "final_accuracy": final.get("accuracy"),
            "final_loss": final.get("loss"),
            "epsilon_spent": final.get("epsilon_spent"),
            "failures": sum(int(r.get("failures") or 0) + int(r.get("no_reply") or 0) for r in rows),
            "wall_seconds": time.perf_counter() - started,
            "rows": rows,
        }
        target = results_dir / ("results.json" if final_run else "results.partial.json")
        target.write_text(json.dumps(document, indent=2, sort_keys=True))

    def evaluate_fn(server_round, parameters, config):
        latest["parameters"] = parameters[0]
        row = clinic.evaluate(parameters[0], test_data, f"global evaluation round {server_round}")
        evaluations[server_round] = row
        if server_round > 0:
            write_results(final_run=False)
        return float(row["loss"]), {"accuracy": float(row["accuracy"])}

    def fit_config(server_round):
        return {"server-round": server_round, "noise-multiplier": sigma}

    def evaluate_config(server_round):
        return {"server-round": server_round}

    client_evaluate = bool(cfg["client-evaluate"])
    strategy = ReportingFedAvg(
        fraction_fit=1.0,
        fraction_evaluate=1.0 if client_evaluate else 0.0,
        min_fit_clients=clinics,
        min_evaluate_clients=clinics if client_evaluate else 0,
        min_available_clients=clinics,
        evaluate_fn=evaluate_fn,
        on_fit_config_fn=fit_config,
        on_evaluate_config_fn=evaluate_config,
        accept_failures=True,
        initial_parameters=ndarrays_to_parameters([initial]),
    )
    legacy = LegacyContext(context=context, config=ServerConfig(num_rounds=rounds), strategy=strategy)
    fit_workflow = None
    if bool(cfg["secure-aggregation"]):
        # SecAgg+ over all clinics (complete graph up to 64); each clinic's weight n_c / max_weight
        # scales its parameters before quantization, so max_weight is the largest shard.
        fit_workflow = SecAggPlusWorkflow(
            num_shares=clinics,
            reconstruction_threshold=max(2, clinics // 2 + 1),
            max_weight=float(cfg["secagg-max-weight"]),
            clipping_range=float(cfg["secagg-clipping-range"]),
            quantization_range=int(cfg["secagg-quantization-range"]),
            timeout=float(cfg["step-timeout"]),
        )
    DefaultWorkflow(fit_workflow=fit_workflow)(TimeoutGrid(grid, float(cfg["step-timeout"])), legacy)

    write_results(final_run=True)
    summary = json.loads((results_dir / "results.json").read_text())
    log(
        INFO, "SemCom results: final accuracy %s, %s failures, %.2f s",
        summary["final_accuracy"], summary["failures"], summary["wall_seconds"],
    )
