"""Test vectors: every case of a check written to disk as .npy + JSON with a sha256 manifest, and the
verifier that holds any implementation against them without convspec's runner.

* :mod:`.format` — the file format (manifest, case files, JSON encodings of arrays and parameters);
* :mod:`.folder` — writing an export folder safely (never removing a file it did not write);
* :mod:`.exporter` — which cases are exported (``export``);
* :mod:`.verifier` — ``verify`` and its reports.

The public names of all four are available from this package (``from convspec.conformance import
vectors; vectors.export(...)``).
"""

from .exporter import *  # noqa: F401,F403  (export and the names it re-exports from .format and .verifier)
