"""A notebook-friendly handle on one knowledge graph, joining rdflib, NetworkX and pyvis (as kglab does)."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import networkx as nx
from rdflib import Dataset, Graph

from graph.extract.pipeline import Corpus, extract_corpus, extract_texts
from graph.rdf.dataset import to_dataset, union_graph


class PolicyGraph:
    """The RDF dataset of a corpus, with its NetworkX projection, SPARQL, export and HTML a call away.

    >>> kg = PolicyGraph.from_texts({"a.txt": "……"})      # or from_files(["reports/"]) or load("out")
    >>> kg.query("SELECT ?l WHERE { ?p a pk:Project ; rdfs:label ?l }")
    """

    def __init__(self, dataset: Dataset | None, corpus: Corpus | None = None, source: Path | None = None):
        self._dataset = dataset
        self.corpus = corpus
        self.source = source  # the file load() opened: parsed into rdflib only when something needs the Dataset
        self._union: Graph | None = None
        self._queryable: tuple[int, Dataset] | None = None

    @property
    def dataset(self) -> Dataset:
        """The rdflib Dataset, one named graph per document (parsed on first use after load())."""
        if self._dataset is None:
            from graph.rdf.files import load_dataset

            self._dataset = load_dataset(self.source)
        return self._dataset

    @classmethod
    def from_corpus(cls, corpus: Corpus) -> "PolicyGraph":
        return cls(to_dataset(corpus.documents, corpus.entities), corpus)

    @classmethod
    def from_texts(cls, texts: dict[str, str] | Iterable[str]) -> "PolicyGraph":
        """Build from in-memory texts ({file name: text} or a list of texts)."""
        return cls.from_corpus(extract_texts(texts))

    @classmethod
    def from_files(cls, paths: Iterable[str | Path]) -> "PolicyGraph":
        """Build from files and folders, as `policykg build` does (unreadable files are in .corpus.errors)."""
        return cls.from_corpus(extract_corpus(paths))

    @classmethod
    def load(cls, path: str | Path) -> "PolicyGraph":
        """Open a build directory or an RDF file (a missing one fails here; the file is parsed when first needed:
        to_networkx() reads it with pyoxigraph, SPARQL and export() with rdflib)."""
        from graph.rdf.files import graph_file

        graph_file(path)
        return cls(None, source=Path(path))

    @property
    def graph(self) -> Graph:
        """All documents' triples as one rdflib Graph."""
        if self._union is None:
            self._union = union_graph(self.dataset)
        return self._union

    def to_networkx(self, *, include_related: bool = True) -> nx.MultiDiGraph:
        """Entities as nodes (label, class, type), relations as edges (predicate, count, evidence sentences)."""
        from graph.views.network import network_from_file, to_networkx

        if self._dataset is None:  # a loaded file: pyoxigraph parses it, no rdflib object per triple
            return network_from_file(self.source, include_related=include_related)
        return to_networkx(self.graph, include_related=include_related)

    def query(self, sparql: str) -> list[dict[str, str]]:
        """SELECT rows as dicts (prefixes pk:, rdfs:, skos:, … predeclared), over the same default graph as
        `policykg query`: every document plus the ontology, so `?x a/rdfs:subClassOf* pk:Place` works."""
        from graph.store.sparql import result_rows
        from graph.store.stores import run_query

        rows = result_rows(run_query(self.queryable(), sparql), self.dataset)
        return [dict(zip(rows.columns, r)) for r in rows.rows]

    def queryable(self) -> Dataset:
        """The dataset with the ontology in its own named graph, as every store holds it; a copy made once (and
        again if the dataset grew), so export() and len() never see the ontology."""
        from rdflib import URIRef

        from graph.rdf.files import ONTOLOGY_GRAPH, ontology_turtle
        from ontology import bind_prefixes

        n = len(self.dataset)
        if self._queryable is None or self._queryable[0] != n:
            ds = Dataset(default_union=True)
            bind_prefixes(ds)
            for s, p, o, g in self.dataset.quads((None, None, None, None)):
                ds.add((s, p, o, g))
            ds.graph(URIRef(ONTOLOGY_GRAPH)).parse(data=ontology_turtle(), format="turtle")
            self._queryable = (n, ds)
        return self._queryable[1]

    def export(self, path: str | Path, fmt: str | None = None) -> Path:
        """Write the graph in a registered format, guessed from the suffix when not given."""
        from graph.views.export import export, guess_format

        fmt = fmt or guess_format(path)
        if fmt is None:
            raise ValueError(f"cannot guess a format from {path!r}; pass fmt=")
        export(self.dataset, fmt, path)
        return Path(path)

    def to_html(self, **kwargs) -> str:
        """The self-contained interactive explorer as a string (focus=, hops=, classes=, max_nodes=, lang= …)."""
        from graph.views.explorer import to_html

        return to_html(*self._explorer_inputs(kwargs), **kwargs)

    def _explorer_inputs(self, kwargs: dict) -> tuple:
        """What the explorer draws: a loaded file is read in one pyoxigraph pass (network and provenance)."""
        if self._dataset is None and "provenance" not in kwargs and "rdf" not in kwargs:
            from graph.views.explorer import read_explorer_inputs

            G, kwargs["provenance"] = read_explorer_inputs(self.source)
            return (G,)
        return (self.graph,)

    def show(self, path: str | Path | None = None, *, height: int = 640, **kwargs):
        """Write the explorer to a file, or display it inline in Jupyter (everything inlined, no CDN)."""
        from graph.views.explorer import notebook_html, write_html

        if path is not None:
            return write_html(*self._explorer_inputs(kwargs), path, **kwargs)
        from IPython.display import HTML

        return HTML(notebook_html(self.to_html(**kwargs), height=height))

    def __len__(self) -> int:
        return len(self.dataset)
