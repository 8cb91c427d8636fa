"""Stage 2, extract: typed mentions by explainable rules (lexicons, suffix grammars, gazetteer), resolved into
entities with stable keys, then relations, indicators and the administrative hierarchy; `pipeline.process_document`
runs them in order, and `evaluate` scores them against gold."""
