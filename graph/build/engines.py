"""The extraction engines a build can run on, by name (`--engine`): this machine's process pool, or Dask."""
from __future__ import annotations

from graph.build.distributed import run_dask
from graph.build.parallel import Engine, run_local

ENGINES: dict[str, Engine] = {"local": run_local, "dask": run_dask}


def get_engine(name: str) -> Engine:
    """An engine by name; unknown names raise a ValueError listing the known ones."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")
    return ENGINES[name]
