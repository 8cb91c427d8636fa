"""policykg: knowledge graphs from Chinese government policy texts.

The command line only parses options and calls the library in graph/; every command's help ends with an
example. Errors the user can fix are printed as one line (click.ClickException) with a non-zero exit code.

Long because it is the one click group: thirteen commands, each only its options, help text and a call into graph/.
"""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from graph.output.messages import one_line
from graph.output.tabular import ROW_FORMATS, format_rows

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def user_errors(fn):
    """Turn the library's user-facing errors into one clear line and exit code 1, never a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from graph.build.run import BuildError
        from graph.rdf.files import GraphLoadError
        from graph.store.errors import QueryError
        from graph.text.model import DocumentError

        try:
            return fn(*args, **kwargs)
        except (BuildError, DocumentError, GraphLoadError, QueryError, ValueError, OSError) as exc:
            raise click.ClickException(one_line(str(exc))) from None
    return wrapper


def output_options(formats=ROW_FORMATS, default="table"):
    """--format and --output, shared by every command that prints rows."""
    def decorator(fn):
        fn = click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
                          show_default=True, help="Write to this file instead of standard output ('-').")(fn)
        fn = click.option("-f", "--format", "fmt", type=click.Choice(formats, case_sensitive=False),
                          default=default, show_default=True, help="Output format.")(fn)
        return fn
    return decorator


def emit(text: str | bytes, output: str) -> None:
    """Print to stdout, or write the file atomically so a failed run leaves no partial file."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from graph.output.atomic import atomic_file

    with atomic_file(output) as fh:
        fh.write(data)


def store_option(fn=None, *, building: bool = False):
    """--store, shared by build, query, serve and export: where the graph is held while it is used (for build:
    where the built graph is also loaded; `@store_option(building=True)`)."""
    if fn is None:
        return functools.partial(store_option, building=building)
    if building:
        return click.option(
            "--store", "store", default="memory", show_default=True, metavar="memory|oxigraph:PATH|sparql:URL",
            help="Also load the built graph into a store: oxigraph:PATH (an Oxigraph store on disk, replaced only "
                 "once the new graph is loaded) or sparql:URL (a Graph Store Protocol endpoint, as `push`); "
                 "memory: none.")(fn)
    return click.option(
        "--store", "store", default="memory", show_default=True, metavar="memory|oxigraph[:PATH]|sparql:URL",
        help="memory: rdflib, loaded from GRAPH's files; oxigraph: Oxigraph in memory, loaded from GRAPH (the "
             "fastest queries, for big graphs); oxigraph:PATH: an Oxigraph store on disk, built from GRAPH once "
             "and reopened instantly; sparql:URL: any SPARQL 1.1 endpoint (GRAPH is then not read).")(fn)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="policykg")
def cli():
    """Turn Chinese government policy texts into a knowledge graph you can explore, query and export.

    \b
    Typical session:
      policykg build reports/ --out kg          # extract, write RDF, GraphML, HTML, summary
      policykg query kg "SELECT ?p ?l WHERE { ?p a pk:Project ; rdfs:label ?l }"
      policykg viz kg --out kg/graph.html       # open it in a browser, works offline
      policykg export kg --format gexf --out kg.gexf
    """


# ---------------------------------------------------------------- build

@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Directory for the outputs; replaced as a whole only when the build succeeds.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Documents extracted at once (worker processes, or Dask workers of a local cluster). "
                   "Default: all cores.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where extraction runs: a process pool here, or a Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Dask scheduler to use with --engine dask (tcp://host:8786); default: a local cluster.")
@click.option("--no-cache", is_flag=True,
              help="Re-extract every document and keep no cache in OUT (default: reuse OUT/.cache for unchanged "
                   "documents, and do nothing when no document changed).")
@click.option("--max-doc-bytes", type=click.IntRange(min=1), default=None,
              help="Skip documents larger than this, and .docx files that unzip to more (default 20 MB).")
@click.option("--doc-timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Skip a document not read and extracted within this time (its worker is stopped); the rest is "
                   "still built. Default 600. Not enforced by --engine dask.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary table (warnings still go to stderr).")
@store_option(building=True)
@user_errors
def build(inputs, out, jobs, engine, scheduler, no_cache, max_doc_bytes, doc_timeout, quiet, store):
    """Extract entities and relations from documents and write the graph.

    INPUTS are files or folders of .txt, .md, .html, .pdf or .docx (UTF-8, GBK/GB18030, Big5 or UTF-16).
    Writes OUT/graph.ttl, graph.trig (one named graph per document), graph.graphml, graph.html,
    extract.json and summary.json. Unreadable documents, and inputs that are not regular files (FIFOs,
    devices, broken links), are skipped with one `warning:` line each on stderr. Documents are extracted in
    parallel; a rebuild re-extracts only new or changed documents (OUT/.cache) and gives the same graph as
    a clean build.

    \b
    Example:
      policykg build data/seed --out out
      policykg build reports/2023 reports/2024 --out kg --jobs 4
      policykg build reports/ --out kg --engine dask --scheduler tcp://10.0.0.5:8786
      policykg build reports/ --out kg --store oxigraph:kg.oxigraph   # then: query --store oxigraph:kg.oxigraph
    """
    import time

    from graph.build.run import build as run_build
    from graph.store.load import check_build_target, load_build

    target = check_build_target(store)  # a bad --store fails before the build, not after it
    bar = None
    done = {"chars": 0, "start": time.perf_counter()}

    def show(report):
        if report is None:
            return ""
        rate = done["chars"] / max(time.perf_counter() - done["start"], 1e-6)
        return f"{rate / 1000:,.0f}k chars/s  {report.path.name}"

    def progress(report):
        nonlocal bar
        done["chars"] += report.chars
        if bar is None and not quiet:
            bar = click.progressbar(length=report.total, label="extracting", file=sys.stderr, show_pos=True,
                                    item_show_func=show)
        if bar is not None:
            bar.update(1, report)

    try:
        summary = run_build(inputs, out, max_bytes=max_doc_bytes, jobs=jobs, engine=engine, scheduler=scheduler,
                            use_cache=not no_cache, progress=progress,
                            **({"doc_timeout": doc_timeout} if doc_timeout else {}))
    finally:
        if bar is not None:
            bar.render_finish()
    for warning in summary.get("warnings", []):  # on stderr, quiet or not: stdout is the summary
        click.echo(f"warning: {one_line(warning)}", err=True)
    if not quiet:
        click.echo(summary_table(summary))
        click.echo(build_line(summary))
    if target.kind != "memory":
        line = load_build(out, target)
        if not quiet:
            click.echo(f"store: {line}")


def build_line(summary: dict) -> str:
    """One line on how the build went: what was extracted or reused, how fast."""
    if summary.get("up_to_date"):
        return f"up to date: no document changed since the last build of {summary['out']} (--no-cache rebuilds)"
    seconds = summary.get("seconds") or 0
    rate = summary.get("characters", 0) / seconds if seconds else 0
    return (f"{summary['documents']} documents ({summary.get('extracted', 0)} extracted, "
            f"{summary.get('cached', 0)} from cache) in {seconds:.1f} s, {rate / 1000:,.0f}k chars/s, "
            f"{summary.get('jobs', 1)} {summary.get('engine', 'local')} jobs")


def summary_table(summary: dict) -> str:
    """The build summary an analyst reads: counts per class and predicate, where the files are (warnings go to
    stderr)."""
    rows = [["documents", "", summary["documents"]]]
    rows += [["entities", cls, n] for cls, n in summary["entities_per_class"].items()]
    rows += [["facts", pred, n] for pred, n in summary["relations_per_predicate"].items()]
    rows += [["total", "entities", summary["entities"]],
             ["total", "facts (a relation per sentence read)", summary["relations"]],
             ["total", "relations (distinct links, as stats)", summary.get("edges", "")],
             ["total", "triples", summary.get("triples", "")]]
    text = format_rows(["what", "kind", "count"], rows)
    out = summary.get("out")
    if out:
        text += f"graph: {out}/graph.ttl  {out}/graph.trig  {out}/graph.graphml\nhtml:  {out}/graph.html\n"
    return text


# ---------------------------------------------------------------- extract

@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_options(formats=("json", "jsonl", "table"), default="json")
@user_errors
def extract(files, fmt, output):
    """Print each document's entities and relations (no graph is written).

    JSON is an array with one object per document: {"doc", "entities": [{"label", "type", "class",
    "aliases", "mentions": [{"text", "start", "end", "sentence"}], "confidence"}], "relations": [...]}.
    `type` is the top-level class (Place, Agency, Organization, Project, Initiative, Sector,
    Recognition, Indicator), `class` the most specific one.

    \b
    Example:
      policykg extract data/seed/huarong-2023-12-26.txt --format table
      policykg extract reports/*.txt > entities.json
    """
    from graph.extract.pipeline import document_record, extract_corpus

    corpus = extract_corpus(files)
    for w in corpus.errors:
        click.echo(f"warning: {w}", err=True)
    if not corpus.documents:
        raise click.ClickException("no readable documents")
    records = [document_record(dg) for dg in corpus.documents]
    if fmt == "json":
        emit(json.dumps(records, ensure_ascii=False, indent=1) + "\n", output)
    elif fmt == "jsonl":
        emit("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), output)
    else:
        rows = [[r["doc"], e["type"], e["class"], e["label"], "、".join(e["aliases"]), len(e["mentions"])]
                for r in records for e in r["entities"]]
        emit(format_rows(["doc", "type", "class", "label", "aliases", "mentions"], rows), output)


# ---------------------------------------------------------------- eval

@cli.command("eval")
@click.argument("gold_dir", metavar="GOLD_DIR", type=click.Path(exists=True, path_type=Path))
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--errors/--no-errors", default=True, show_default=True,
              help="List the false positives (FP) and false negatives (FN) after the table.")
@click.option("--types", default="Place,Agency,Organization,Project,Initiative", show_default=True,
              help="Comma-separated top-level types to score.")
@output_options(formats=("table", "csv", "tsv", "json"), default="table")
@user_errors
def eval_command(gold_dir, files, errors, types, fmt, output):
    """Score extraction against hand-made gold: P, R and F1 per entity type and per relation predicate.

    GOLD_DIR holds <name>.gold.json files ({"doc", "entities": [{"label", "type", "aliases"}]}) and, optionally,
    <name>.relations.json beside them ({"doc", "relations": [{"subject", "predicate", "object"}]}).
    FILES are the documents to extract; by default the <name>.txt files beside the gold files.
    A predicted entity matches when any of its forms (label, aliases, mentions) equals a gold form; a fact
    matches a gold relation with its predicate when both ends match that way (cooperatesWith and connects either
    way round). relatedTo, hasIndicator and gazetteer parents are not scored; `unreachable` counts gold relations
    with an end the extractor did not find.

    \b
    Example:
      policykg eval ../shared/eval/seed
      policykg eval gold/ reports/*.txt --no-errors --format csv
    """
    from graph.extract.evaluate import (
        evaluate,
        evaluate_relations,
        load_gold,
        load_relation_gold,
        relation_score_rows,
        score_rows,
    )
    from graph.extract.pipeline import document_record, extract_corpus

    gold = load_gold(gold_dir)
    gold_relations = load_relation_gold(gold_dir)
    given = bool(files)
    if not files:
        files = [p for p in (Path(gold_dir) / name for name in gold) if p.exists()]
        if not files:
            raise click.UsageError(f"no documents beside the gold files in {gold_dir}; give FILES")
    corpus = extract_corpus(files)
    for w in corpus.errors:
        click.echo(f"warning: {w}", err=True)
    records = {dg.document.name: document_record(dg) for dg in corpus.documents}
    if given:  # score the documents given, not every gold file of the directory
        gold = {doc: g for doc, g in gold.items() if doc in records}
        gold_relations = {doc: g for doc, g in gold_relations.items() if doc in records}
    ev = evaluate(gold, {doc: r["entities"] for doc, r in records.items()},
                  tuple(t.strip() for t in types.split(",") if t.strip()))
    rows = [["entity", *row, ""] for row in score_rows(ev)]
    rev = evaluate_relations(gold, gold_relations, records) if gold_relations else None
    if rev is not None:
        rows += [["relation", *row] for row in relation_score_rows(rev)]
    text = format_rows(["scored", "type", "gold", "pred", "P", "R", "F1", "unreachable"], rows, fmt)
    if errors and fmt == "table":
        text += "".join(f"FP  {doc}  {t}  {label}\n" for doc, t, label in ev.false_positives)
        text += "".join(f"FN  {doc}  {t}  {label}\n" for doc, t, label in ev.false_negatives)
        if rev is not None:
            text += "".join(f"FP  {doc}  {p}  {s} → {o}\n" for doc, p, s, o in rev.false_positives)
            text += "".join(f"FN  {doc}  {p}  {s} → {o}{'' if ok else '  (unreachable)'}\n"
                            for doc, p, s, o, ok in rev.false_negatives)
    emit(text, output)


# ---------------------------------------------------------------- query

QUERY_FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "nt")  # graph.query.RESULT_FORMATS, kept light


def resolve_query_args(graph_path, sparql, query_file, example, store):
    """GRAPH and the query text from the arguments; GRAPH may be left out when the store already holds one."""
    from graph.store.sparql import get_example
    from graph.store.stores import parse_store

    spec = parse_store(store)
    sources = [s for s in (sparql, query_file, example) if s is not None]
    if graph_path is not None and not spec.needs_graph and sparql is None and not sources \
            and (graph_path == "-" or not Path(graph_path).exists()):
        graph_path, sparql = None, graph_path  # `query --store sparql:URL "SELECT …"`: the one argument is the query
        sources = [sparql]
    if len(sources) != 1:
        raise click.UsageError("give exactly one query: QUERY, '-' (stdin), --file F.rq or --example NAME")
    if example is not None:
        text = get_example(example).sparql
    elif query_file is not None:
        text = query_file.read()
    else:
        text = sys.stdin.read() if sparql == "-" else sparql
    if not text.strip():
        raise click.UsageError("the query is empty")
    if graph_path is not None and spec.kind == "sparql":
        click.echo(f"note: GRAPH {graph_path} is not read: the query goes to {spec.location}", err=True)
        graph_path = None
    return graph_path, text, spec


@cli.command()
@click.argument("graph_path", metavar="GRAPH", required=False)
@click.argument("sparql", metavar="[QUERY | -]", required=False)
@click.option("--file", "query_file", type=click.File("r", encoding="utf-8"),
              help="Read the query from a .rq file ('-' for stdin).")
@click.option("--example", "example", metavar="NAME", help="Run a named example query (see --list-examples).")
@click.option("--list-examples", is_flag=True, help="List the example queries (name and question) and exit.")
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Print at most this many rows.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Give up after this many seconds with an error (the query runs in a process that is stopped).")
@click.option("--exact-csv", is_flag=True,
              help="--format csv exactly as W3C SPARQL CSV, without neutralising formula-like cells for spreadsheets.")
@store_option
@output_options(formats=QUERY_FORMATS, default="table")
@user_errors
def query(graph_path, sparql, query_file, example, list_examples, limit, timeout, exact_csv, store, fmt, output):
    """Run a SPARQL query on a built graph (a build directory or an RDF file).

    Prefixes pk:, id:, doc:, rdf:, rdfs:, owl:, xsd:, skos:, prov:, org:, schema:, dcterms: are
    predeclared. The default graph is the union of all documents' named graphs plus the ontology, so
    `?x a/rdfs:subClassOf* pk:Project` finds every kind of project. SELECT/ASK print as a table or in
    the W3C SPARQL 1.1 results formats (csv, tsv, json, xml); CONSTRUCT/DESCRIBE print Turtle (or nt,
    json = JSON-LD, xml = RDF/XML). CSV cells that a spreadsheet would run as a formula get a leading
    apostrophe unless --exact-csv. Only queries run: UPDATE, SERVICE and FROM of a graph the store does
    not hold are refused (nothing is fetched from elsewhere). GRAPH may be left out with
    --store sparql:URL, or with an oxigraph: store that was already built.

    \b
    Example:
      policykg query out "SELECT ?l WHERE { ?p a pk:Document ; rdfs:label ?l }"
      policykg query out --example projects-by-place --format csv
      policykg query out --file my.rq --store oxigraph:out.oxigraph --timeout 10
      policykg query --store sparql:http://127.0.0.1:7878/query --example recognitions
      policykg query --list-examples
    """
    from graph.store.sparql import list_examples as examples

    if list_examples:
        rows = [[e.name, e.title, e.description] for e in examples()]
        emit(format_rows(["name", "title", "question"], rows, "table" if fmt not in ("csv", "tsv", "json") else fmt),
             output)
        return
    graph_path, text, spec = resolve_query_args(graph_path, sparql, query_file, example, store)
    data, truncated = run_cli_query(graph_path, spec, text, limit=limit, timeout=timeout, fmt=fmt,
                                    exact_csv=exact_csv)
    emit(data, output)
    if truncated:
        click.echo(f"note: stopped at --limit {limit}", err=True)


def run_cli_query(graph_path, spec, text: str, *, limit, timeout, fmt: str, exact_csv: bool) -> tuple[bytes, bool]:
    """The serialised answer and whether it was cut at --limit. With --timeout the query runs in a worker process
    that is killed at the deadline (a regex or an Oxigraph step cannot be interrupted otherwise)."""
    from graph.store.results import serialize
    from graph.store.sparql import collect
    from graph.store.stores import open_store

    def work(store, sparql):
        res = collect(store, sparql, limit=limit)
        return serialize(res, fmt, exact_csv=exact_csv)[0], res.truncated

    if timeout is None:
        return work(open_store(graph_path, spec), text)
    from graph.store.pool import WorkerPool

    pool = WorkerPool(functools.partial(open_store, graph_path, spec, timeout=timeout), work, size=1)
    try:
        pool.start()
        return pool.run(text, timeout=timeout)
    finally:
        pool.close()


# ---------------------------------------------------------------- serve

@cli.command()
@click.argument("graph_path", metavar="GRAPH", required=False)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 exposes the endpoint to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="Port to listen on (0 picks a free one).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
              help="Time limit per query in seconds; past it the query's worker is killed and the client gets 503.")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Answer at most this many rows (or triples) per query.")
@click.option("--max-memory", type=click.IntRange(min=64), default=1024, show_default=True, metavar="MB",
              help="Memory a query's worker may take beyond the loaded store; past it the client gets 503.")
@click.option("--workers", type=click.IntRange(min=1), default=4, show_default=True,
              help="Queries that run at once, each in its own worker process.")
@click.option("--queue", type=click.IntRange(min=0), default=64, show_default=True,
              help="Queries that may wait for a free worker (up to the time limit); past it the client gets 503.")
@click.option("--read-timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              help="Seconds a client has to send its whole request; then the connection is closed.")
@click.option("--max-connections", type=click.IntRange(min=1), default=256, show_default=True,
              help="Connections handled at once (a thread each); more wait until one closes.")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN",
              help="Allow browser tools from this origin (repeatable; '*' for any), e.g. YASGUI.")
@click.option("--quiet", "-q", is_flag=True, help="Do not log requests.")
@store_option
@user_errors
def serve(graph_path, host, port, timeout, max_rows, max_memory, workers, queue, read_timeout, max_connections, cors,
          quiet, store):
    """Serve a built graph as a read-only SPARQL 1.1 endpoint, with a query page.

    The endpoint is /sparql (also /query): GET ?query=…, POST form-encoded or a direct
    application/sparql-query body; results in JSON, XML, CSV or TSV (SELECT/ASK) or Turtle,
    N-Triples, JSON-LD, RDF/XML (CONSTRUCT/DESCRIBE) by the Accept header or ?format=. GET
    /store?graph=IRI (or ?default) reads one graph. UPDATE, LOAD, SERVICE, Graph Store writes and
    FROM of a graph the store does not hold are refused (403). Each query runs in a worker
    process that is killed at the time limit. Open / in a browser for a query editor with the
    example queries; it works offline. Ctrl-C stops the server within a few seconds.

    \b
    Example:
      policykg serve out
      policykg serve out --store oxigraph --port 7878 --timeout 10    # big graphs: Oxigraph in memory
      policykg serve out --cors '*'          # for YASGUI in a browser
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' \\
           http://127.0.0.1:7878/sparql
    """
    from graph.store.serve import ServeConfig
    from graph.store.serve import serve as run_server
    from graph.store.stores import open_store, parse_store

    spec = parse_store(store)
    if graph_path is None and spec.needs_graph:
        open_store(graph_path, spec)  # the one-line error, before any process starts
    config = ServeConfig(host=host, port=port, timeout=timeout, cors=tuple(cors), max_rows=max_rows,
                         max_memory=max_memory, max_running=workers, max_waiting=queue, read_timeout=read_timeout,
                         max_connections=max_connections, quiet=quiet)
    run_server(functools.partial(open_store, graph_path, spec), config, announce=click.echo)


# ---------------------------------------------------------------- push

@cli.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.argument("url", metavar="URL")
@click.option("--append", is_flag=True, help="Add to the graphs already there (POST) instead of replacing them (PUT).")
@click.option("--default-graph/--no-default-graph", "copy_to_default", default=True, show_default=True,
              help="Also write the union of all graphs (each triple once) into the default graph, so the store "
                   "answers like `policykg query` without any union setting.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120, show_default=True,
              help="Seconds to wait for each request.")
@user_errors
def push(graph_path, url, append, copy_to_default, timeout):
    """Load a built graph into a triple store through the SPARQL 1.1 Graph Store Protocol.

    URL is the store's Graph Store endpoint (Oxigraph: http://HOST:7878/store, Fuseki:
    http://HOST:3030/DATASET/data). Each document goes into its own named graph, the ontology
    into <https://w3id.org/policykg/ontology>, and their union into the default graph; pushing
    again replaces them. Query the store with --store sparql:QUERY-URL.

    \b
    Example:
      oxigraph serve --location kg.db &
      policykg push out http://127.0.0.1:7878/store
      policykg query --store sparql:http://127.0.0.1:7878/query --example recognitions
    """
    from graph.store.push import push as run_push

    report = run_push(graph_path, url, replace=not append, copy_to_default=copy_to_default, timeout=timeout)
    for name, n in report.graphs:
        click.echo(f"{n:>9} triples  {name}")
    click.echo(f"pushed {len(report.graphs)} graphs, {report.triples} triples to {url}")


# ---------------------------------------------------------------- viz

@cli.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), required=True,
              help="HTML file to write ('-' for standard output).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of class and predicate labels and of the page.")
@click.option("--focus", metavar="LABEL", default=None,
              help="Draw only the neighbourhood of the entity with this label, alias or pinyin.")
@click.option("--hops", type=click.IntRange(min=0), default=1, show_default=True,
              help="How many edges away from --focus to go.")
@click.option("--classes", metavar="A,B", default=None,
              help="Only these classes, comma-separated: Place, Project … or subclasses (Town) or labels (地点).")
@click.option("--max-nodes", type=click.IntRange(min=1), default=None,
              help="Keep at most this many nodes (the closest to --focus, then the best connected).")
@click.option("--related/--no-related", default=None,
              help="Draw same-sentence co-occurrence (relatedTo) edges at first [default: only with --focus]; "
                   "the page has a toggle.")
@click.option("--title", default="", help="Page title (default: 政策知识图谱 / Policy knowledge graph).")
@click.option("--renderer", type=click.Choice(["auto", "vis", "canvas"]), default="auto", show_default=True,
              help="vis-network (shapes, physics on demand) or the canvas renderer (tens of thousands of nodes); "
                   "auto picks vis-network up to 1,000 nodes.")
@user_errors
def viz(graph_path, out, lang, focus, hops, classes, max_nodes, related, title, renderer):
    """Write an interactive HTML explorer of a built graph: one file, works offline from file://.

    Search by label, alias, pinyin or initials; filter by class, status and a year range (with a time slider);
    click a node or an edge for its facts and the sentences they come from; neighbourhoods, shortest paths,
    exports (PNG, CSV, GraphML) of what is shown; the view is kept in the URL's #hash.

    \b
    Example:
      policykg viz out --out out/graph.html
      policykg viz out --focus 武汉新城 --hops 2 --out wuhan.html
      policykg viz out --focus whxc --out wuhan.html            # pinyin initials, as in the search box
      policykg viz out --classes Place,Project --max-nodes 300 --lang en --out places.html
    """
    from graph.views.explorer import read_explorer_inputs, render_explorer

    G, provenance = read_explorer_inputs(graph_path)
    page = render_explorer(G, provenance=provenance, lang=lang, focus=focus, hops=hops, classes=classes,
                           max_nodes=max_nodes, show_related=related, title=title, renderer=renderer)
    emit(page.html, str(out))
    click.echo(f"{out}: {page.nodes} of {page.total} nodes, {page.edges} edges", err=str(out) == "-")


# ---------------------------------------------------------------- export

@cli.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path), required=False)
@click.option("--format", "-f", "fmt", default=None,
              help="Output format (see --list-formats); guessed from --out's suffix when omitted.")
@click.option("--out", "-o", "out", default="-", show_default=True,
              help="File to write ('-' for stdout); a directory for csv.")
@click.option("--list-formats", is_flag=True, help="List the formats and exit.")
@click.option("--exact-csv", is_flag=True,
              help="csv: write every cell as it is. By default a cell that starts with = + - @ (and is not a "
                   "number) gets a ' in front, so a spreadsheet shows it instead of running it as a formula.")
@store_option
@user_errors
def export(graph_path, fmt, out, list_formats, exact_csv, store):
    """Export a built graph for other tools (Gephi, Cytoscape, Neo4j, Protégé, triple stores).

    Formats: turtle, nt, nq, trig, jsonld, rdfxml (RDF); graphml, gexf (Gephi: colours and sizes),
    cytoscape (Cytoscape.js JSON), csv (a directory with nodes.csv and edges.csv for
    `neo4j-admin database import full --nodes=nodes.csv --relationships=edges.csv`, or pandas).
    Output is sorted and deterministic, UTF-8, and written atomically.

    \b
    Example:
      policykg export out --format graphml --out kg.graphml
      policykg export out --out kg.nt          # format guessed from the suffix
      policykg export out --format csv --out neo4j-import/
      policykg export out -f jsonld | head
      policykg export --store oxigraph:kg.oxigraph --format nq --out kg.nq   # read from a store
    """
    from graph.rdf.files import load_dataset
    from graph.store.stores import open_store, parse_store, store_dataset
    from graph.views.export import export as run_export
    from graph.views.export import formats, get_format, guess_format

    if list_formats:
        rows = [[f.name, " ".join(f.suffixes) or "(directory)", f.description] for f in formats().values()]
        click.echo(format_rows(["format", "suffixes", "description"], rows), nl=False)
        return
    spec = parse_store(store)
    if graph_path is None and spec.needs_graph:
        raise click.UsageError("give the GRAPH to export (a build directory or an RDF file)" +
                               ("" if spec.kind == "memory" else f"; {spec} does not hold a graph yet"))
    fmt = fmt or (guess_format(out) if out != "-" else None)
    if fmt is None:
        raise click.UsageError("give --format, or an --out file whose suffix names one (see --list-formats)")
    if exact_csv and get_format(fmt).name != "csv":
        raise click.UsageError("--exact-csv is for --format csv")
    run_export(load_dataset(graph_path) if spec.kind == "memory" else store_dataset(open_store(graph_path, spec)),
               fmt, out, **({"exact": True} if exact_csv else {}))
    if out != "-":
        click.echo(f"wrote {out} ({fmt})", err=True)


# ---------------------------------------------------------------- validate

@cli.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.option("--shapes", "shapes_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="A SHACL shapes file to use instead of ontology/shapes.ttl.")
@click.option("--inference", type=click.Choice(["none", "rdfs"]), default="none", show_default=True,
              help="Expand the graph with RDFS inference before validating (slower; subclasses are "
                   "seen either way, because the ontology is mixed in).")
@output_options()
@user_errors
def validate(graph_path, shapes_file, inference, fmt, output):
    """Check a built graph against the SHACL shapes (ontology/shapes.ttl) and the ontology.

    Prints one row per result (severity, focus node and its label, path, value, message, shape) and a
    summary line on stderr. Exit code 1 when there is any violation; warnings alone exit 0.

    \b
    Example:
      policykg validate out
      policykg validate kg.ttl --format json -o report.json
    """
    from graph.rdf.files import load_dataset
    from graph.views.validate import load_shapes_file, validate_graph

    report = validate_graph(load_dataset(graph_path), inference=inference, shapes=load_shapes_file(shapes_file))
    columns, rows = report.rows()
    if rows or fmt != "table":
        emit(format_rows(columns, rows, fmt), output)
    click.echo(report.summary(), err=True)
    if not report.conforms:
        click.get_current_context().exit(1)


# ---------------------------------------------------------------- network analytics

def related_option(fn):
    """--related/--no-related: whether same-sentence co-occurrence edges count as relations."""
    return click.option("--related/--no-related", default=True, show_default=True,
                        help="Count same-sentence co-occurrence (relatedTo) edges.")(fn)


@cli.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many entities, components and communities to list.")
@related_option
@output_options()
@user_errors
def stats(graph_path, top, related, fmt, output):
    """Counts per class and predicate, the most central entities, components and communities.

    Degree counts relations; betweenness and PageRank run on the undirected graph (PageRank weighted by
    the number of supporting sentences); communities are Louvain (seeded, so repeatable). Rows are
    (section, item, value, detail).

    \b
    Example:
      policykg stats out
      policykg stats out --no-related --top 20 --format json
    """
    from graph.rdf.files import load_dataset
    from graph.views.analytics import STATS_COLUMNS, graph_stats, stats_rows

    st = graph_stats(load_dataset(graph_path), top=top, include_related=related)
    emit(format_rows(STATS_COLUMNS, stats_rows(st, top=top), fmt), output)


@cli.command("path")
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.argument("source", metavar="A")
@click.argument("target", metavar="B")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True,
              help="Print at most this many shortest paths.")
@related_option
@output_options()
@user_errors
def path_command(graph_path, source, target, limit, related, fmt, output):
    """Shortest paths between two entities, each step with its relation and evidence sentence.

    A and B are labels, aliases, pinyin or IRIs. Paths ignore edge direction; the arrow in the relation
    column shows which way the relation reads. Exit code 1 when there is no path.

    \b
    Example:
      policykg path out 华容区 武汉新城
      policykg path out 华容区 武汉新城 --no-related --format json
    """
    from graph.rdf.files import load_dataset
    from graph.views.analytics import PATH_COLUMNS, entity_graph, path_rows, shortest_paths

    G = entity_graph(load_dataset(graph_path), include_related=related)
    emit(format_rows(PATH_COLUMNS, path_rows(G, shortest_paths(G, source, target, limit=limit)), fmt), output)


@cli.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.argument("name", metavar="A")
@click.option("--hops", type=click.IntRange(min=1), default=1, show_default=True,
              help="How many relations away to look.")
@related_option
@output_options()
@user_errors
def neighbors(graph_path, name, hops, related, fmt, output):
    """Entities within N relations of one entity, nearest first, with the relation that reaches each.

    A is a label, alias, pinyin or IRI. Rows are (hops, label, class, via, relation, evidence): `via` is
    the entity one step closer to A.

    \b
    Example:
      policykg neighbors out 武汉新城
      policykg neighbors out 华容区 --hops 2 --format csv -o around.csv
    """
    from graph.rdf.files import load_dataset
    from graph.views.analytics import NEIGHBOUR_COLUMNS, entity_graph, neighbour_rows, neighbours

    G = entity_graph(load_dataset(graph_path), include_related=related)
    emit(format_rows(NEIGHBOUR_COLUMNS, neighbour_rows(G, neighbours(G, name, hops=hops)), fmt), output)


# ---------------------------------------------------------------- diff

@cli.command("diff")
@click.argument("old_path", metavar="OLD", type=click.Path(path_type=Path))
@click.argument("new_path", metavar="NEW", type=click.Path(path_type=Path))
@related_option
@output_options()
@user_errors
def diff_command(old_path, new_path, related, fmt, output):
    """Compare two graphs: entities and relations added and removed, and what became of OLD's plans.

    Entities match by their IRIs (the same place or project in two reports is one IRI). Every
    Project, Initiative or Recognition that OLD mentions as planned is reported with what NEW says:
    completed, ongoing, still planned, mentioned (no status), or not mentioned. A summary goes to stderr.

    \b
    Example:
      policykg build reports/2023.txt --out kg2023 && policykg build reports/2024.txt --out kg2024
      policykg diff kg2023 kg2024
      policykg diff kg2023 kg2024 --no-related --format csv -o changes.csv
    """
    from graph.rdf.files import load_dataset
    from graph.views.diff import diff_graphs

    result = diff_graphs(load_dataset(old_path), load_dataset(new_path), include_related=related)
    emit(format_rows(*result.rows(), fmt), output)
    click.echo(result.summary(), err=True)


def _interrupted(signum, frame):
    """Ctrl-C (SIGTERM): one line and exit code 130 (143); the SystemExit unwinds through atomic writes, which drop
    their temp files (click would otherwise turn KeyboardInterrupt into "Aborted!" and exit code 1)."""
    click.echo("interrupted" if signum == 2 else "terminated", err=True)
    raise SystemExit(128 + signum)


def main():
    """Console entry point: Ctrl-C ends quietly with exit code 130, SIGTERM with 143; warnings are one line each."""
    import signal

    from graph.output.messages import warn_in_one_line

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started with SIGINT ignored
        signal.signal(signal.SIGINT, _interrupted)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupted)
    warn_in_one_line()
    cli(prog_name="policykg")


if __name__ == "__main__":
    main()
