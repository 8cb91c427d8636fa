"""Stage 4a, store: where a built graph is queried (rdflib in memory, Oxigraph, any SPARQL endpoint), SPARQL with
read-only checks and time limits, the W3C result formats, `push` and the read-only HTTP endpoint (`serve`).
Independent of graph.views."""
