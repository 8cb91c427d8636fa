"""SPARQL latency per store on a synthetic graph shaped like policykg's, measured in one run.

    .venv/bin/python bench/sparql.py                      # 1,000,000 quads, 3 timed runs per query and store
    .venv/bin/python bench/sparql.py --triples 200000 --repeat 5

Documents, entities (most specific classes, zh + pinyin labels, aliases, division codes), sentence nodes (text
once, offsets, status, year), mentions pointing at their sentence, reified typed facts citing theirs,
co-occurrences (pk:relatedTo) between entities named in one sentence, without statements, indicators, the
documents' mention counts (pk:MentionCount): the
vocabulary and proportions of the seed build (per document within about 25%: more sentences and co-occurrences
than the seed, not fewer), scaled up. Each store (rdflib in memory, Oxigraph on disk, Oxigraph in memory) loads the same N-Quads file in
its own process, so load time and peak memory (ru_maxrss) are its own; every example query of data/queries
runs once to warm up, then --repeat times (fewer when they exceed --timeout in all). Prints the median latency
per query and store (wall clock, and the process's CPU time, which a shared machine inflates less), the speed-up
over rdflib, and the targets: Oxigraph >= 10x faster than rdflib (median over the queries) and every query
< 100 ms median on Oxigraph. For each Oxigraph store it also measures what a row
costs it (an index scan, a lookup by subject), which sets the floor of the queries that read every fact or mention.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PK = "https://w3id.org/policykg/ontology#"
ID = "https://w3id.org/policykg/id/"
DOC = "https://w3id.org/policykg/doc/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"

# per document, as in the seed build: (top class, slug, specific classes, suffixes, entities per document);
# entities are typed with their specific class and their top class, as graph/rdf/dataset.py writes them
CLASSES = [
    ("Place", "place", ["Town", "Village", "Township", "Lake", "River", "DevelopmentZone", "Port"],
     ["镇", "村", "乡", "湖", "河", "经开区", "港"], 20),
    ("Agency", "agency", ["PartyCommittee", "Government", "Department", "MassOrganization"],
     ["区委", "区政府", "局", "妇联"], 15),
    ("Organization", "org", ["Company", "ResearchInstitute"], ["公司", "研究院"], 2),
    ("Project", "project", ["InfrastructureProject", "IndustrialProject", "PublicServiceProject"],
     ["大道", "大桥", "产业园", "中心", "项目"], 25),
    ("Initiative", "initiative", ["Programme", "Mechanism", "Policy", "Reform", "Campaign", "Plan"],
     ["行动", "工作制度", "机制", "改革", "计划", "工程"], 62),
    ("Sector", "sector", ["Industry"], ["产业"], 10),
    ("Recognition", "recognition", ["Designation", "Award"], ["示范区", "先进单位"], 12),
]
INDICATORS_PER_DOC = 16
SENTENCE_SLOTS = 125  # sentences a document's mentions fall in: ~90 of them are named, ~130 co-occurring pairs
SYLLABLES = "华容庙岭葛店临江段店蒲团红莲南迹灯塘光谷武汉新城长江东湖高新梁子湖滨江临港花湖数字智慧乡村生态绿色"
STATUSES = ["completed", "ongoing", "planned"]
# the romanised label graph/rdf/dataset.py writes beside each Chinese one ("hua rong qu"@zh-latn-pinyin)
PINYIN = dict(zip(
    "华容庙岭葛店临江段蒲团红莲南迹灯塘光谷武汉新城长东湖高梁子滨港花数字智慧乡村生态绿色镇河经开区委政府局妇联公司研究院"
    "大道桥产业园中心项目行动工作制度机改革计划程示范先进单位",
    "hua rong miao ling ge dian lin jiang duan pu tuan hong lian nan ji deng tang guang gu wu han xin cheng chang "
    "dong hu gao liang zi bin gang hua shu zi zhi hui xiang cun sheng tai lv se zhen he jing kai qu wei zheng fu ju "
    "fu lian gong si yan jiu yuan da dao qiao chan ye yuan zhong xin xiang mu xing dong gong zuo zhi du ji gai ge ji "
    "hua cheng shi fan xian jin dan wei".split()))
# typed relations per document (reified like every fact), as in the seed build; hasIndicator comes with indicators
TYPED = [("implements", "Agency", "Initiative", 23), ("partOf", "Place", "Place", 11),
         ("recognizedAs", "Place", "Recognition", 8), ("locatedIn", "Project", "Place", 6),
         ("contributesTo", "Project", "Initiative", 3), ("cooperatesWith", "Agency", "Organization", 3),
         ("connects", "Project", "Place", 2), ("leads", "Agency", "Agency", 1)]


def lit(text: str, lang: str | None = None, dt: str | None = None) -> str:
    return f'"{text}"' + (f"@{lang}" if lang else (f"^^<{XSD}{dt}>" if dt else ""))


def integer(n: int) -> str:
    return lit(str(n), dt="integer")


class Synth:
    """A deterministic generator of N-Quads lines shaped like policykg's build."""

    def __init__(self, seed: int = 7, pool_per_doc: float = 90.0, docs_hint: int = 160):
        self.rng = random.Random(seed)
        self.pool: dict[str, list[tuple[str, str, str]]] = {}
        for top, slug, specifics, suffixes, n in CLASSES:
            size = max(n, int(n * docs_hint * pool_per_doc / 180))
            self.pool[top] = [self._entity(slug, specifics, suffixes, i) for i in range(size)]
        self.pool["Place"][0] = (f"{ID}place/420703", "District", "华容区")
        places = self.pool["Place"]
        # each place is part of one other (an administrative tree under place 0), as division codes make it
        self.parent = {places[i][0]: places[i // 8][0] for i in range(1, len(places))}

    def _entity(self, slug: str, specifics: list[str], suffixes: list[str], i: int) -> tuple[str, str, str]:
        k = self.rng.randrange(len(specifics))
        name = "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4)))
        label = name + suffixes[min(k, len(suffixes) - 1)]
        return f"{ID}{slug}/{slug}{i}-{hashlib.sha1(label.encode()).hexdigest()[:6]}", specifics[k], label

    def pick(self, top: str) -> tuple[str, str, str]:
        """Zipf-like: a few entities (the district, the big projects) recur in many documents."""
        pool = self.pool[top]
        return pool[min(len(pool) - 1, int(self.rng.paretovariate(1.1)) - 1)] if self.rng.random() < 0.3 \
            else self.rng.choice(pool)

    def document(self, n: int) -> list[str]:
        r = self.rng
        d = f"{DOC}d{n:05d}"
        g = f"<{d}>"
        out: list[str] = []

        def q(s: str, p: str, o: str) -> None:
            out.append(f"{s} {p} {o} {g} .")

        q(g, f"<{RDF}type>", f"<{PK}Document>")
        q(g, f"<{RDFS}label>", lit(f"华容区工作报告{n}", "zh"))
        q(g, f"<{DCT}title>", lit(f"华容区工作报告{n}", "zh"))
        q(g, f"<{DCT}date>", lit(f"{2015 + n % 10}-12-{1 + n % 28:02d}", dt="date"))
        q(g, f"<{PK}sourceFile>", lit(f"report-{n}.txt"))
        q(g, f"<{DCT}source>", lit("区政府网", "zh"))
        q(g, f"<{PK}contentHash>", lit(hashlib.sha256(d.encode()).hexdigest()))
        for k in range(r.randint(1, 4)):
            q(g, f"<{DCT}creator>", lit(f"记者{k}", "zh"))
        ev = f"<{d}/event>"
        q(g, f"<{SCHEMA}about>", ev)
        for p, o in ((f"{RDF}type", f"<{SCHEMA}Event>"), (f"{SCHEMA}name", lit(f"第{n}次全体会议", "zh")),
                     (f"{RDFS}label", lit(f"第{n}次全体会议", "zh")), (f"{SCHEMA}startDate", lit(f"{2015 + n % 10}-12-01", dt="date")),
                     (f"{SCHEMA}location", lit("报告厅", "zh"))):
            q(ev, f"<{p}>", o)
        year = 2015 + n % 10
        ents: dict[str, list[tuple[str, str, str]]] = {}
        for top, _, _, _, per_doc in CLASSES:
            chosen: set[tuple[str, str, str]] = set()
            while len(chosen) < per_doc:  # distinct entities, as a document names each once
                chosen.add(self.pick(top))
            if top == "Place":
                chosen.add(self.pool["Place"][0])
            ents[top] = sorted(chosen)
            for iri, cls, label in ents[top]:
                s = f"<{iri}>"
                q(s, f"<{RDF}type>", f"<{PK}{cls}>")
                if cls != top:
                    q(s, f"<{RDF}type>", f"<{PK}{top}>")
                q(s, f"<{RDFS}label>", lit(label, "zh"))
                q(s, f"<{RDFS}label>", lit(" ".join(PINYIN[c] for c in label), "zh-latn-pinyin"))
                q(s, f"<{PK}inDocument>", g)
                q(s, f"<{PK}confidence>", lit("0.800", dt="decimal"))
                if r.random() < 0.2:
                    q(s, f"<{SKOS}altLabel>", lit(label[:2], "zh"))
                if top == "Place" and r.random() < 0.5:
                    q(s, f"<{PK}divisionCode>", lit(f"4207{r.randrange(10**5):05d}"))
        ents["Indicator"] = []
        measured = []
        for i in range(INDICATORS_PER_DOC):
            iri = f"{ID}indicator/d{n}-{i}"
            s = f"<{iri}>"
            value = f"{r.randint(1, 999)}.{r.randint(0, 99):02d}"
            label = f"满意度{value}%"
            kind, status = r.choice(["actual", "target"]), r.choice(STATUSES)
            for p, o in ((f"{RDF}type", f"<{PK}Indicator>"), (f"{RDFS}label", lit(label, "zh")),
                         (f"{RDFS}label", lit(f"man yi du {value}%", "zh-latn-pinyin")),
                         (f"{PK}inDocument", g), (f"{PK}confidence", lit("0.700", dt="decimal")),
                         (f"{PK}value", lit(value, dt="decimal")), (f"{PK}unit", lit("%")),
                         (f"{PK}indicatorKind", lit(kind)), (f"{PK}year", integer(year)),
                         (f"{PK}status", lit(status)), (f"{SCHEMA}name", lit("群众满意度", "zh"))):
                q(s, f"<{p}>", o)
            ents["Indicator"].append((iri, "Indicator", label))
            initiative = r.choice(ents["Initiative"])[0]
            q(s, f"<{PK}measures>", f"<{initiative}>")
            measured.append((initiative, iri))

        # mentions: each entity once or more, each in one of SENTENCE_SLOTS sentences; a sentence node is written
        # for each sentence that some mention or fact cites (its text once), and a co-occurrence for each pair of
        # entities named in one sentence, as the extractor makes them
        slots: list[list[tuple[str, str, str]]] = [[] for _ in range(SENTENCE_SLOTS)]
        for top in ents:
            for e in ents[top]:
                for _ in range(1 if top == "Indicator" or r.random() < 0.7 else 2 + (r.random() < 0.3)):
                    slots[r.randrange(SENTENCE_SLOTS)].append(e)
        offset, sentences, mentioned_in, counted = 0, {}, {}, {}
        top_of = {iri: top for top in ents for iri, _, _ in ents[top]}
        for k, names in enumerate(slots):
            if not names:
                continue
            text = "推进" + "、".join(label for _, _, label in names) + "建设,取得新成效。"
            sentences[k] = (offset, offset + len(text), text, STATUSES[0] if k % 3 else r.choice(STATUSES))
            at = offset + 2
            for iri, cls, label in names:
                status = sentences[k][3]
                m = f"<{d}/mention/{at}-{at + len(label)}-{hashlib.sha1(iri.encode()).hexdigest()[:6]}>"
                for p, o in ((f"{RDF}type", f"<{PK}Mention>"), (f"{PK}mentionOf", f"<{iri}>"),
                             (f"{PK}mentionClass", f"<{PK}{cls}>"), (f"{PK}surface", lit(label)),
                             (f"{PK}start", integer(at)), (f"{PK}end", integer(at + len(label))),
                             (f"{PK}method", lit("suffix:" + label[-1])),
                             (f"{PK}confidence", lit("0.700", dt="decimal")),
                             (f"{PK}sentence", f"<{d}/sentence/{offset}-{offset + len(text)}>"),
                             (f"{PK}status", lit(status)), (f"{PK}year", integer(year + (status == "planned")))):
                    q(m, f"<{p}>", o)
                mentioned_in.setdefault(iri, []).append(k)
                counted[m] = (top_of[iri], year + (status == "planned"), status)
                at += len(label) + 1
            offset += len(text)

        tally: dict[tuple, int] = {}  # pk:MentionCount: mentions per top class, year and status, as a build writes
        for key in counted.values():
            tally[key] = tally.get(key, 0) + 1
        for (top, y, status), n in sorted(tally.items()):
            c = f"<{d}/count/{top}-{y}-{status}>"
            for p, o in ((f"{RDF}type", f"<{PK}MentionCount>"), (f"{PK}inDocument", g),
                         (f"{PK}countedClass", f"<{PK}{top}>"), (f"{PK}year", integer(y)),
                         (f"{PK}status", lit(status)), (f"{PK}mentionCount", integer(n))):
                q(c, f"<{p}>", o)

        def sentence_node(k: int) -> str:
            start, end, _, _ = sentences[k]
            return f"<{d}/sentence/{start}-{end}>"

        for k, (start, end, text, status) in sentences.items():
            for p, o in ((f"{RDF}type", f"<{PK}Sentence>"), (f"{NIF}anchorOf", lit(text)),
                         (f"{NIF}beginIndex", integer(start)), (f"{NIF}endIndex", integer(end)), (f"{PK}inDocument", g),
                         (f"{PK}status", lit(status)), (f"{PK}year", integer(year + (status == "planned")))):
                q(sentence_node(k), f"<{p}>", o)

        def fact(a: str, pred: str, b: str) -> None:
            q(f"<{a}>", f"<{PK}{pred}>", f"<{b}>")
            k = r.choice(mentioned_in.get(a) or list(sentences))  # read from a sentence naming its subject
            start, end = sentences[k][:2]
            f = f"<{d}/fact/{hashlib.sha1(f'{a}|{pred}|{b}|{start}'.encode()).hexdigest()[:12]}>"
            for p, o in ((f"{RDF}type", f"<{RDF}Statement>"), (f"{RDF}subject", f"<{a}>"),
                         (f"{RDF}predicate", f"<{PK}{pred}>"), (f"{RDF}object", f"<{b}>"), (f"{PK}inDocument", g),
                         (f"{PROV}wasDerivedFrom", g), (f"{PK}evidence", sentence_node(k)),
                         (f"{PK}start", integer(start)), (f"{PK}end", integer(end)), (f"{PK}method", lit(f"pattern:{pred}")),
                         (f"{PK}confidence", lit("0.850", dt="decimal")), (f"{PK}status", lit(r.choice(STATUSES))),
                         (f"{PK}year", integer(year))):
                q(f, f"<{p}>", o)

        for initiative, indicator in measured:
            fact(initiative, "hasIndicator", indicator)
        for pred, a, b, k in TYPED:
            for _ in range(k):
                x, y = r.choice(ents[a])[0], r.choice(ents[b])[0]
                if pred == "partOf":
                    y = self.parent.get(x, x)
                if x != y:
                    fact(x, pred, y)
        related = set()
        for names in slots:
            keys = sorted({iri for iri, cls, _ in names if cls != "Indicator"})
            related.update((x, y) for i, x in enumerate(keys) for y in keys[i + 1:])
        for x, y in sorted(related):
            q(f"<{x}>", f"<{PK}relatedTo>", f"<{y}>")
        return out


def generate(path: Path, target: int) -> int:
    """Write documents until `target` quads; returns the count."""
    synth = Synth(docs_hint=max(1, target // 5400))
    n = written = 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < target:
            lines = synth.document(n)
            fh.write("\n".join(lines) + "\n")
            written += len(lines)
            n += 1
    return written


# the stores compared: rdflib in memory, Oxigraph on disk (--store oxigraph:PATH), Oxigraph in memory (--store oxigraph)
STORES = {"rdflib": "memory", "oxigraph-disk": "oxigraph:TMP/store", "oxigraph-mem": "oxigraph"}


# what one row costs a store: reading the facts (an index scan), and checking each fact's evidence besides (one
# lookup per fact, in the cheapest form: an EXISTS binds nothing and stops at the first match); a query that
# reads k properties of each of n facts or mentions one by one needs n*k lookups
SCAN = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?fact a <{RDF}Statement> }}"
LOOKUP = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?fact a <{RDF}Statement> FILTER EXISTS {{ ?fact <{PK}evidence> ?e }} }}"


def row_costs(store, repeat: int) -> dict:
    """Seconds per scanned row and per lookup, the medians of `repeat` runs after a warm-up."""
    from graph.store.results import parts
    from graph.store.sparql import collect

    def median_time(sparql: str) -> float:
        times = []
        for i in range(repeat + 1):
            t = time.perf_counter()
            collect(store, sparql)
            if i:
                times.append(time.perf_counter() - t)
        return statistics.median(times)

    facts = max(1, int(parts(collect(store, SCAN).rows[0][0]).value))  # 1 for a graph without facts
    scan = median_time(SCAN)
    return {"facts": facts, "scan": scan / facts, "lookup": max(0.0, median_time(LOOKUP) - scan) / facts}


def worker(kind: str, data: Path, repeat: int, timeout: float) -> dict:
    """Load the data into one store, time every example query; run in its own process."""
    from graph.store.errors import QueryError
    from graph.store.sparql import collect, list_examples
    from graph.store.stores import open_store

    tmp = tempfile.mkdtemp(prefix="policykg-bench-")
    started = time.perf_counter()
    store = open_store(data, STORES[kind].replace("TMP", tmp))
    load = time.perf_counter() - started
    results = {}
    for ex in list_examples():
        times, cpu, rows, error = [], [], None, None
        budget = time.perf_counter() + timeout  # a slow store gets fewer runs, never more than `timeout` in all
        for i in range(repeat + 1):
            if i > 1 and time.perf_counter() > budget:
                break
            t, c = time.perf_counter(), time.process_time()
            try:
                res = collect(store, ex.sparql, timeout=timeout)
            except QueryError as exc:
                error = str(exc)
                break
            if i or repeat == 0 or time.perf_counter() - t > timeout / 4:
                times.append(time.perf_counter() - t)  # a query slower than a quarter budget needs no warm-up
                cpu.append(time.process_time() - c)
            rows = len(res.graph) if res.is_graph else len(res.rows)
        results[ex.name] = {"median": statistics.median(times) if times and not error else None, "rows": rows,
                            "cpu": statistics.median(cpu) if cpu and not error else None, "error": error}
    costs = row_costs(store, repeat) if kind != "rdflib" else None
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    triples = len(store)
    store.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return {"kind": kind, "load": load, "peak_mb": peak_mb, "triples": triples, "queries": results, "costs": costs}


def ms(x: float | None) -> str:
    return "—" if x is None else f"{1000 * x:,.1f}"


def report(runs: dict, timeout: float) -> None:
    """The table per query (median ms per store, speed-up over rdflib) and the targets, per Oxigraph store."""
    from graph.output.tabular import format_rows

    oxigraphs = [k for k in runs if k != "rdflib"]
    rows, ratios, medians = [], {k: [] for k in oxigraphs}, {k: [] for k in oxigraphs}
    cpus: dict[str, list[float]] = {k: [] for k in oxigraphs}
    for name, base in runs["rdflib"]["queries"].items():
        timed_out = bool(base["error"]) and "time limit" in base["error"]
        rdflib_s = timeout if timed_out else base["median"]  # a timeout is a lower bound on rdflib's time
        row = [name, runs[oxigraphs[0]]["queries"][name]["rows"],
               f">{timeout:g} s" if timed_out else ("error" if base["error"] else ms(base["median"]))]
        for k in oxigraphs:
            q = runs[k]["queries"][name]
            ratio = rdflib_s / q["median"] if rdflib_s and q["median"] else None
            if ratio:
                ratios[k].append(ratio)
            if q["median"] is not None:
                medians[k].append(q["median"])
            if q.get("cpu") is not None:
                cpus[k].append(q["cpu"])
            row += ["error" if q["error"] else ms(q["median"]), ms(q.get("cpu")),
                    (">" if timed_out else "") + f"{ratio:,.1f}x" if ratio else "—"]
        rows.append(row)
    columns = ["query", "rows", "rdflib ms"] + [c for k in oxigraphs for c in (f"{k} ms", "CPU ms", "speed-up")]
    print()
    print(format_rows(columns, rows), end="")
    print()
    print(format_rows(["store", "load s", "peak MB", "triples"],
                      [[k, f"{r['load']:.1f}", f"{r['peak_mb']:,.0f}", f"{r['triples']:,}"] for k, r in runs.items()]),
          end="")
    print()
    print(format_rows(["store", "facts", "µs per scanned row", "µs per lookup", "ms for one lookup per fact"],
                      [[k, f"{c['facts']:,}", f"{1e6 * c['scan']:.2f}", f"{1e6 * c['lookup']:.2f}",
                        f"{1e3 * c['facts'] * c['lookup']:.0f}"] for k in oxigraphs for c in [runs[k]["costs"]]]),
          end="")
    print()
    for k in oxigraphs:
        median_ratio = statistics.median(ratios[k]) if ratios[k] else 0
        slowest = max(medians[k]) if medians[k] else float("inf")
        print(f"{k}: median speed-up over rdflib {median_ratio:,.1f}x (rdflib timeouts count as {timeout:g} s; "
              f"target >= 10x: {'met' if median_ratio >= 10 else 'NOT met'}); "
              f"{sum(t < 0.1 for t in medians[k])} of {len(medians[k])} examples under 100 ms, slowest "
              f"{ms(slowest)} ms (target < 100 ms: {'met' if slowest < 0.1 else 'NOT met'}); by the process's CPU time "
              f"(what a query costs when the machine is not shared) {sum(t < 0.1 for t in cpus[k])} of "
              f"{len(cpus[k])} under 100 ms, slowest {ms(max(cpus[k], default=None))} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", type=int, default=1_000_000, help="size of the synthetic graph (quads)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per query and store (after one warm-up)")
    ap.add_argument("--timeout", type=float, default=30,
                    help="give up on a query after this many seconds (also the time budget for its repeats)")
    ap.add_argument("--worker", choices=list(STORES), help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.data, args.repeat, args.timeout)))
        return 0

    with tempfile.TemporaryDirectory(prefix="policykg-bench-") as tmp:
        data = Path(tmp) / "synthetic.nq"
        t = time.perf_counter()
        quads = generate(data, args.triples)
        print(f"synthetic graph: {quads:,} quads, {data.stat().st_size / 2**20:,.0f} MiB N-Quads, "
              f"generated in {time.perf_counter() - t:.1f} s", flush=True)
        runs = {}
        for kind in STORES:
            out = subprocess.run([sys.executable, __file__, "--worker", kind, "--data", str(data), "--repeat",
                                  str(args.repeat), "--timeout", str(args.timeout)],
                                 capture_output=True, text=True, check=True)
            runs[kind] = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{kind}: loaded {runs[kind]['triples']:,} triples in {runs[kind]['load']:.1f} s, "
                  f"peak memory {runs[kind]['peak_mb']:,.0f} MB", flush=True)
    report(runs, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
