"""Stage 1, text: documents read in any common format and Chinese encoding, normalised, split into sentences and
sections that carry their year and status (a report's review of the past year vs its plans)."""
