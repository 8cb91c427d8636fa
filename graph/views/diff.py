"""Compare two graphs (say a place's 2023 and 2024 reports): entities and relations added and removed, and what
became of OLD's planned items in NEW — completed, still under way, planned again, or not mentioned at all."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
from rdflib import Dataset, Graph
from rdflib.namespace import RDF

from graph.rdf.dataset import union_graph
from graph.views.analytics import entity_graph
from ontology import NIF, PK

DIFF_COLUMNS = ["change", "kind", "class", "item", "old", "new", "evidence"]
PLAN_TYPES = ("Project", "Initiative", "Recognition")  # things a report plans and a later one can report done
SYMMETRIC = {"cooperatesWith", "relatedTo"}
STATUS_RANK = {"completed": 3, "ongoing": 2, "planned": 1}
PLAN_OUTCOMES = {"completed": "completed", "ongoing": "ongoing", "planned": "still planned", "": "mentioned",
                 None: "not mentioned"}


@dataclass(frozen=True)
class StatusEvidence:
    """A status read for an entity or relation, with the year and sentence it came from."""

    status: str
    year: str
    sentence: str

    def describe(self) -> str:
        return f"{self.status} ({self.year})" if self.year else self.status


@dataclass(frozen=True)
class Change:
    """One line of the diff."""

    change: str  # added | removed | reclassified | completed | ongoing | still planned | mentioned | not mentioned
    kind: str  # entity | relation | plan
    cls: str
    item: str
    old: str = ""
    new: str = ""
    evidence: str = ""

    def row(self) -> list[str]:
        return [self.change, self.kind, self.cls, self.item, self.old, self.new, self.evidence]


@dataclass
class GraphDiff:
    """Everything that changed between two graphs, in the order it is printed."""

    entities: list[Change] = field(default_factory=list)
    relations: list[Change] = field(default_factory=list)
    plans: list[Change] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        return self.entities + self.relations + self.plans

    def rows(self) -> tuple[list[str], list[list[str]]]:
        return DIFF_COLUMNS, [c.row() for c in self.changes]

    def summary(self) -> str:
        """One line: how much changed and what became of the plans."""
        def n(changes: list[Change], what: str) -> int:
            return sum(c.change == what for c in changes)

        outcomes = ", ".join(f"{n(self.plans, o)} {o}" for o in dict.fromkeys(PLAN_OUTCOMES.values())
                             if n(self.plans, o))
        return (f"entities: +{n(self.entities, 'added')} -{n(self.entities, 'removed')} "
                f"~{n(self.entities, 'reclassified')} reclassified; relations: +{n(self.relations, 'added')} "
                f"-{n(self.relations, 'removed')}; planned items of OLD: {len(self.plans)}"
                + (f" ({outcomes})" if outcomes else ""))


def _graph(data: Dataset | Graph) -> Graph:
    return union_graph(data) if isinstance(data, Dataset) else data


def _sentence_text(g: Graph, node) -> str:
    """The text of a sentence node (a mention's pk:sentence, a fact's pk:evidence)."""
    return str(g.value(node, NIF.anchorOf) or "") if node is not None else ""


def entity_statuses(g: Graph) -> dict[str, list[StatusEvidence]]:
    """Every status the text gives each entity: from its mentions (section and verb cues) and its own pk:status."""
    out: dict[str, list[StatusEvidence]] = defaultdict(list)
    for m in g.subjects(RDF.type, PK.Mention):
        e = g.value(m, PK.mentionOf)
        if e is None:
            continue
        status = g.value(m, PK.status)
        out[str(e)].append(StatusEvidence(str(status or ""), str(g.value(m, PK.year) or ""),
                                          _sentence_text(g, g.value(m, PK.sentence))))
    provenance = (PK.Mention, RDF.Statement, PK.Sentence, PK.MentionCount)
    for e, status in g.subject_objects(PK.status):
        if not any((e, RDF.type, c) in g for c in provenance):
            out[str(e)].append(StatusEvidence(str(status), str(g.value(e, PK.year) or ""), ""))
    return out


def statement_statuses(g: Graph) -> dict[tuple[str, str, str], list[StatusEvidence]]:
    """Every status of each reified relation, keyed by (subject, predicate local name, object)."""
    out: dict[tuple[str, str, str], list[StatusEvidence]] = defaultdict(list)
    for f in g.subjects(RDF.type, RDF.Statement):
        s, p, o = g.value(f, RDF.subject), g.value(f, RDF.predicate), g.value(f, RDF.object)
        if s is None or p is None or o is None:
            continue
        key = _relation_key(str(s), str(p).rsplit("#", 1)[-1], str(o))
        out[key].append(StatusEvidence(str(g.value(f, PK.status) or ""), str(g.value(f, PK.year) or ""),
                                       _sentence_text(g, g.value(f, PK.evidence))))
    return out


def _relation_key(s: str, p: str, o: str) -> tuple[str, str, str]:
    """Symmetric relations compare regardless of direction."""
    return (min(s, o), p, max(s, o)) if p in SYMMETRIC else (s, p, o)


def _best(found: list[StatusEvidence]) -> StatusEvidence | None:
    """The most advanced status (completed > ongoing > planned > none), latest year first, then sentence."""
    if not found:
        return None
    return max(found, key=lambda x: (STATUS_RANK.get(x.status, 0), x.year, x.sentence))


def _first_planned(found: list[StatusEvidence]) -> StatusEvidence | None:
    planned = sorted((x for x in found if x.status == "planned"), key=lambda x: (x.year, x.sentence))
    return planned[0] if planned else None


def _relations(G: nx.MultiDiGraph) -> dict[tuple[str, str, str], dict]:
    return {_relation_key(s, k, o): d for s, o, k, d in G.edges(keys=True, data=True)}


def _evidence(d: dict) -> str:
    ev = d.get("evidence") or []
    return ev[0] if isinstance(ev, list) and ev else str(ev or "")


def _first_sentence(statuses: dict[str, list[StatusEvidence]], iri: str) -> str:
    sentences = sorted(x.sentence for x in statuses.get(iri, []) if x.sentence)
    return sentences[0] if sentences else ""


def _entity_changes(G_old, G_new, st_old, st_new) -> list[Change]:
    old_nodes, new_nodes = set(G_old), set(G_new)
    removed, added = old_nodes - new_nodes, new_nodes - old_nodes
    by_label_new = defaultdict(list)
    for v in added:
        by_label_new[G_new.nodes[v].get("label")].append(v)
    changes, matched = [], set()
    for v in sorted(removed):
        label, cls = G_old.nodes[v].get("label", v), G_old.nodes[v].get("class", "")
        twins = [w for w in by_label_new.get(label, []) if w not in matched]
        if twins:  # same name, other class (so another IRI): one entity the extractor now types differently
            w = sorted(twins)[0]
            matched.add(w)
            changes.append(Change("reclassified", "entity", G_new.nodes[w].get("class", ""), label, cls,
                                  G_new.nodes[w].get("class", ""), _first_sentence(st_new, w)))
        else:
            changes.append(Change("removed", "entity", cls, label, evidence=_first_sentence(st_old, v)))
    for w in sorted(added - matched):
        changes.append(Change("added", "entity", G_new.nodes[w].get("class", ""), G_new.nodes[w].get("label", w),
                              evidence=_first_sentence(st_new, w)))
    return changes


def _relation_changes(G_old, G_new) -> list[Change]:
    old, new = _relations(G_old), _relations(G_new)

    def label(G, v):
        return G.nodes[v].get("label", v) if v in G else v

    changes = []
    for key in sorted(old.keys() - new.keys()):
        s, p, o = key
        changes.append(Change("removed", "relation", p, f"{label(G_old, s)} —{p}→ {label(G_old, o)}",
                              evidence=_evidence(old[key])))
    for key in sorted(new.keys() - old.keys()):
        s, p, o = key
        changes.append(Change("added", "relation", p, f"{label(G_new, s)} —{p}→ {label(G_new, o)}",
                              evidence=_evidence(new[key])))
    return changes


def _plan_changes(G_old, G_new, st_old, st_new, g_old: Graph, g_new: Graph) -> list[Change]:
    changes = []
    for v, d in G_old.nodes(data=True):
        if d.get("type") not in PLAN_TYPES:
            continue
        planned = _first_planned(st_old.get(v, []))
        if planned is None:
            continue
        now = _best(st_new.get(v, [])) if v in G_new else None
        outcome = PLAN_OUTCOMES[now.status if now is not None else None]
        changes.append(Change(outcome, "plan", d.get("class", ""), d.get("label", v), planned.describe(),
                              now.describe() if now is not None else "",
                              (now.sentence if now is not None and now.sentence else planned.sentence)))
    ss_old, ss_new = statement_statuses(g_old), statement_statuses(g_new)
    for key, found in ss_old.items():
        s, p, o = key
        planned = _first_planned(found)
        if planned is None:
            continue  # only typed relations have statements (co-occurrence is not a plan): "将建成A连通B"
        now = _best(ss_new.get(key, []))
        outcome = PLAN_OUTCOMES[now.status if now is not None else None]
        item = f"{G_old.nodes[s].get('label', s) if s in G_old else s} —{p}→ " \
               f"{G_old.nodes[o].get('label', o) if o in G_old else o}"
        changes.append(Change(outcome, "plan", p, item, planned.describe(), now.describe() if now else "",
                              now.sentence if now is not None and now.sentence else planned.sentence))
    order = {o: i for i, o in enumerate(dict.fromkeys(PLAN_OUTCOMES.values()))}
    return sorted(changes, key=lambda c: (order.get(c.change, 9), c.cls, c.item))


def diff_graphs(old: Dataset | Graph, new: Dataset | Graph, *, include_related: bool = True) -> GraphDiff:
    """Entities and relations added/removed (entities match by their deterministic IRIs) and OLD's plans in NEW."""
    g_old, g_new = _graph(old), _graph(new)
    G_old = entity_graph(g_old, include_related=include_related)
    G_new = entity_graph(g_new, include_related=include_related)
    st_old, st_new = entity_statuses(g_old), entity_statuses(g_new)
    return GraphDiff(entities=_entity_changes(G_old, G_new, st_old, st_new),
                     relations=_relation_changes(G_old, G_new),
                     plans=_plan_changes(G_old, G_new, st_old, st_new, g_old, g_new))


__all__ = ["diff_graphs", "GraphDiff", "Change", "StatusEvidence", "entity_statuses", "statement_statuses",
           "DIFF_COLUMNS", "PLAN_TYPES"]
