"""Stage 3, rdf: entity and document IRIs, each document's quads with provenance to the sentence, a document's
part rendered as Turtle, and reading a built graph back from its files."""
