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

``config`` sits above the worlds and experiments it names; ``tables`` and
``report`` sit below everything that writes results (see the README's
architecture section), so this package imports only those two.

Examples
--------
>>> from replicators import io
>>> sorted(io.__all__)[:3]
['SCHEMA', 'atomic_write_text', 'read_provenance']
"""

from .tables import SCHEMA, atomic_write_text, read_provenance, read_snapshots, read_table, upgrade, write_table

__all__ = ["SCHEMA", "atomic_write_text", "read_provenance", "read_snapshots", "read_table", "upgrade", "write_table"]
