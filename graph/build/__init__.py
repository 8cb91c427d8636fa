"""Stage 5, build: a corpus built into an output folder — work items, a local process pool or Dask, the cache of
document parts, and the atomic swap of the finished output. `graph.build.run.build` is the entry point."""
