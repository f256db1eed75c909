"""Exit status 3: convspec's own fault, said in one line (the traceback only with ``CONVSPEC_DEBUG=1``)."""

from __future__ import annotations

import os
import traceback

from . import command_state

#: the exit status of a command that failed through no fault of the user's
INTERNAL_ERROR = 3


def report_internal_error(command: str) -> int:
    """Call inside ``except``: print the exception's last line for ``command`` and return :data:`INTERNAL_ERROR`."""
    if os.environ.get("CONVSPEC_DEBUG"):
        traceback.print_exc(file=command_state.err())
    last = traceback.format_exc().strip().splitlines()[-1]
    print(f"{command}: internal error: {last} (please report it; CONVSPEC_DEBUG=1 shows the traceback)",
          file=command_state.err())
    return INTERNAL_ERROR
