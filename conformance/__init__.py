"""convspec.conformance: the catalog, strategies, tolerance model, runner, report and CLI.

Works without torch; only the ``accelerated`` target needs it.
"""

from .case import Unsupported
from .catalog import CATALOG, Operation, get
from .runner import Report, check_case, run_check
from .targets import Target, load_target

__all__ = ["CATALOG", "Operation", "Report", "Target", "Unsupported", "check_case", "get", "load_target", "run_check"]
