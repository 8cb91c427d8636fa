"""policykg: knowledge graphs from Chinese government policy texts.

The command line only parses options and calls the library in graph/; every command's help ends with an
example. Errors the user can fix are printed as one line (click.ClickException) with a non-zero exit code.
"""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from graph.tabular import ROW_FORMATS, format_rows

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def user_errors(fn):
    """Turn the library's user-facing errors into one clear line and exit code 1, never a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from graph.build import BuildError
        from graph.corpus import DocumentError
        from graph.query import QueryError
        from graph.store import GraphLoadError

        try:
            return fn(*args, **kwargs)
        except (BuildError, DocumentError, GraphLoadError, QueryError, ValueError, OSError) as exc:
            raise click.ClickException(str(exc)) from None
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
    from graph.atomic import atomic_file

    with atomic_file(output) as fh:
        fh.write(data)


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
@click.option("--max-doc-bytes", type=int, default=None, help="Skip documents larger than this (default 20 MB).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary table.")
@user_errors
def build(inputs, out, max_doc_bytes, quiet):
    """Extract entities and relations from documents and write the graph.

    INPUTS are files or folders of .txt, .md, .html, .pdf or .docx (UTF-8, GBK/GB18030, Big5 or UTF-16).
    Writes OUT/graph.ttl, graph.trig (one named graph per document), graph.graphml, graph.html,
    extract.json and summary.json. Unreadable documents are reported and skipped.

    \b
    Example:
      policykg build data/seed --out out
      policykg build reports/2023 reports/2024 --out kg
    """
    from graph.build import build as run_build
    from graph.corpus import find_documents

    paths = find_documents(inputs)
    bar = None
    if not quiet and paths:
        bar = click.progressbar(length=len(paths), label="extracting", file=sys.stderr,
                                item_show_func=lambda p: p.name if p else "")

    def progress(path, doc):
        if bar is not None:
            bar.update(1, path)

    try:
        summary = run_build(paths, out, max_bytes=max_doc_bytes, progress=progress)
    finally:
        if bar is not None:
            bar.render_finish()
    if not quiet:
        click.echo(summary_table(summary))


def summary_table(summary: dict) -> str:
    """The build summary an analyst reads: counts per class and predicate, warnings, where the files are."""
    rows = [["documents", "", summary["documents"]]]
    rows += [["entities", cls, n] for cls, n in summary["entities_per_class"].items()]
    rows += [["relations", pred, n] for pred, n in summary["relations_per_predicate"].items()]
    rows += [["total", "entities", summary["entities"]], ["total", "relations", summary["relations"]],
             ["total", "triples", summary.get("triples", "")]]
    text = format_rows(["what", "kind", "count"], rows)
    for w in summary["warnings"]:
        text += f"warning: {w}\n"
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
    from graph.pipeline import document_record, extract_corpus

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
    """Score extraction against hand-made gold: precision, recall and F1 per entity type.

    GOLD_DIR holds <name>.gold.json files ({"doc", "entities": [{"label", "type", "aliases"}]}).
    FILES are the documents to extract; by default the <name>.txt files beside the gold files.
    A predicted entity matches when any of its forms (label, aliases, mentions) equals a gold form.

    \b
    Example:
      policykg eval ../shared/eval/seed
      policykg eval gold/ reports/*.txt --no-errors --format csv
    """
    from graph.evaluate import evaluate, load_gold, score_rows
    from graph.pipeline import document_record, extract_corpus

    gold = load_gold(gold_dir)
    if not files:
        files = [p for p in (Path(gold_dir) / name for name in gold) if p.exists()]
        if not files:
            raise click.UsageError(f"no documents beside the gold files in {gold_dir}; give FILES")
    corpus = extract_corpus(files)
    for w in corpus.errors:
        click.echo(f"warning: {w}", err=True)
    predicted = {}
    for dg in corpus.documents:
        predicted[dg.document.name] = document_record(dg)["entities"]
    ev = evaluate(gold, predicted, tuple(t.strip() for t in types.split(",") if t.strip()))
    rows = score_rows(ev)
    text = format_rows(["type", "gold", "pred", "P", "R", "F1"], rows, fmt)
    if errors and fmt == "table":
        text += "".join(f"FP  {doc}  {t}  {label}\n" for doc, t, label in ev.false_positives)
        text += "".join(f"FN  {doc}  {t}  {label}\n" for doc, t, label in ev.false_negatives)
    emit(text, output)


# ---------------------------------------------------------------- query

@cli.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.argument("sparql", required=False)
@click.option("--file", "query_file", type=click.File("r", encoding="utf-8"), help="Read the query from a .rq file ('-' for stdin).")
@output_options(formats=("table", "csv", "tsv", "json", "xml"), default="table")
@user_errors
def query(graph_path, sparql, query_file, fmt, output):
    """Run a SPARQL query on a built graph (a build directory or an RDF file).

    Prefixes pk:, rdf:, rdfs:, owl:, xsd:, skos:, prov:, org:, schema:, dcterms: are predeclared.
    The graph is the union of all documents' named graphs. json and xml are the W3C SPARQL results
    formats.

    \b
    Example:
      policykg query out "SELECT ?l WHERE { ?p a pk:Project ; rdfs:label ?l }"
      policykg query out --file data/queries/projects-by-place.rq --format csv
    """
    from graph.query import result_rows, run_query
    from graph.store import load_dataset

    if query_file is not None:
        sparql = query_file.read()
    elif sparql == "-":
        sparql = sys.stdin.read()
    if not sparql or not sparql.strip():
        raise click.UsageError("give a SPARQL query as an argument, with --file, or '-' for stdin")
    ds = load_dataset(graph_path)
    result = run_query(ds, sparql)
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        emit(result.serialize(format="turtle", encoding="utf-8"), output)
    elif fmt in ("json", "xml"):
        emit(result.serialize(format=fmt, encoding="utf-8"), output)
    else:
        rows = result_rows(result, ds)
        emit(format_rows(rows.columns, rows.rows, fmt), output)


# ---------------------------------------------------------------- viz

@cli.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="HTML file to write.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of class and predicate labels.")
@click.option("--related/--no-related", default=False, show_default=True,
              help="Draw same-sentence co-occurrence (relatedTo) edges.")
@user_errors
def viz(graph_path, out, lang, related):
    """Write an interactive HTML view of a built graph that works offline from file://.

    \b
    Example:
      policykg viz out --out out/graph.html
    """
    from graph.network import to_networkx
    from graph.rdf import union_graph
    from graph.store import load_dataset
    from graph.viz import write_html

    G = to_networkx(union_graph(load_dataset(graph_path)))
    write_html(G, out, lang=lang, show_related=related)
    click.echo(f"{out}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges")


# ---------------------------------------------------------------- export

@cli.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.option("--format", "-f", "fmt", default=None,
              help="Output format (see --list-formats); guessed from --out's suffix when omitted.")
@click.option("--out", "-o", "out", default="-", show_default=True, help="File to write, or '-' for stdout.")
@click.option("--list-formats", is_flag=True, help="List the formats and exit.")
@user_errors
def export(graph_path, fmt, out, list_formats):
    """Export a built graph for other tools (Gephi, Cytoscape, Neo4j, Protégé, triple stores).

    \b
    Example:
      policykg export out --format graphml --out kg.graphml
      policykg export out --out kg.nt          # format guessed from the suffix
    """
    from graph.export import export as run_export, formats, guess_format
    from graph.store import load_dataset

    if list_formats:
        rows = [[f.name, " ".join(f.suffixes), f.description] for f in formats().values()]
        click.echo(format_rows(["format", "suffixes", "description"], rows), nl=False)
        return
    fmt = fmt or (guess_format(out) if out != "-" else None)
    if fmt is None:
        raise click.UsageError("give --format, or an --out file whose suffix names one (see --list-formats)")
    run_export(load_dataset(graph_path), fmt, out)
    if out != "-":
        click.echo(f"wrote {out} ({fmt})", err=True)


def main():
    """Console entry point: Ctrl-C ends quietly with exit code 130."""
    try:
        cli(prog_name="policykg")
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
