"""Input and output: tables on disk, TOML configs, report folders.

``tables``
    Parquet tables that carry their provenance (config, seed, version,
    ``SCHEMA`` of the column names), written atomically; ``read_table``
    upgrades older tables; ``read_snapshots`` reads genome snapshots back.
``config``
    ``RunConfig`` and ``SweepConfig``: TOML files, validated before anything
    runs, that round-trip to the same numbers.
``report``
    ``Report``: an offline ``index.html`` with interactive charts, plus PNGs.
``folder``
    ``output_folder``: a run's or sweep's folder written whole into a hidden
    sibling, then swapped into place (never a mixture of two runs).

``config`` sits above the worlds and experiments it names; ``tables``,
``folder`` and ``report`` sit below everything that writes results (see the README's
architecture section), so this package imports only those two.

Examples
--------
>>> from replicators import io
>>> sorted(io.__all__)[:3]
['SCHEMA', 'atomic_write_text', 'output_folder']
"""

from .folder import output_folder
from .tables import SCHEMA, atomic_write_text, read_provenance, read_snapshots, read_table, upgrade, write_table

__all__ = ["SCHEMA", "atomic_write_text", "output_folder", "read_provenance", "read_snapshots", "read_table",
           "upgrade", "write_table"]
