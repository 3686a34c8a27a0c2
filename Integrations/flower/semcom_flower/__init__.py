"""SemCom clinics in a Flower federation.

Flower owns the protocol and the orchestration (SuperLink, SuperNodes, FedAvg, SecAgg+);
SemCom owns the clinic's computation: the ClientApp runs ``semcom clinic step`` (the Swift
trainer of the in-process simulation, DP-SGD included) as a subprocess with a timeout and
exchanges parameters as ``.npy`` files.
"""

from .clinic import ClinicError, SemComClinic

__all__ = ["ClinicError", "SemComClinic"]
