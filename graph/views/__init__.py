"""Stage 4b, views: what people and other tools see of a built graph — the NetworkX projection and its analytics,
the HTML explorer, export formats, diff and SHACL validation. Independent of graph.store."""
