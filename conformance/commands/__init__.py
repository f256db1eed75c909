"""The subcommands of ``convspec`` other than ``check`` (which lives in :mod:`convspec.conformance.cli`,
the entry point): ``explain``, ``summary``, ``vectors`` and ``matrix``, one module each.
"""
