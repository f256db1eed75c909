"""``python -m convspec.conformance``: the ``convspec`` command line (:mod:`.console`)."""

from .console import main

main()
