"""Bad input, faults and load limits through the real command line: every user error is one clear line naming the
file and the problem (exit code != 0, no traceback); bad documents in a folder are skipped and reported; an
interrupted build leaves the previous OUT intact; decoding arbitrary bytes/text raises only DocumentError."""
from __future__ import annotations

import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.text.model import DocumentError
from graph.text.read import decode_bytes
from graph.text.segment import document_from_text

from conftest import ROOT, SEED, run_policykg

ANY_QUERY = "SELECT * WHERE { ?s ?p ?o }"
GOOD_TTL = "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n"
BAD_RDF = {"ttl": "@prefix ex: <http://example.org/> .\nex:a ex:b", "trig": "ex:g { <http://a> <http://b> "}


def assert_user_error(r, *needles: str) -> str:
    """A failed run with one `Error:` line that contains every needle, and no traceback."""
    assert r.returncode not in (0, None), r.stdout
    assert "Traceback" not in r.stderr, r.stderr
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1, r.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def fill(args, **paths: Path) -> list[str]:
    """Arguments with {name} placeholders replaced (str.format would trip on a query's braces)."""
    out = []
    for a in args:
        for name, path in paths.items():
            a = a.replace("{" + name + "}", str(path))
        out.append(a)
    return out


def documents_of(out: Path) -> dict[str, dict]:
    """extract.json's records by file name."""
    return {rec["doc"]: rec for rec in json.loads((out / "extract.json").read_text(encoding="utf-8"))}


# ---------------------------------------------------------------- documents

@pytest.mark.parametrize("name, data, problem", [
    ("empty.txt", b"", "empty"),
    ("blank.md", b" \n\t\n\xe3\x80\x80\n", "empty"),  # spaces, a tab and an ideographic space only
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40, "binary"),
    ("noise.txt", bytes(range(128, 256)) * 40, "decode"),
])
def test_an_unreadable_document_is_named_with_its_problem(tmp_path, name, data, problem):
    f = tmp_path / name
    f.write_bytes(data)
    assert_user_error(run_policykg("build", str(f), "--out", str(tmp_path / "kg"), "-q"), name, problem)
    assert not (tmp_path / "kg").exists()


def test_chinese_encodings_build(tmp_path):
    simplified = "青石镇人民政府工作报告\n日期:2024-01-05\n2023年,青石镇建成滨河大道,新建学校两所。\n"
    traditional = "青石鎮人民政府工作報告\n日期:2024-01-05\n2023年,青石鎮建成濱河大道,新建學校兩所。\n"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for enc in ("gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"):  # the last two without a byte order mark
        (corpus / f"{enc}.txt").write_bytes(simplified.encode(enc))
    (corpus / "big5.txt").write_bytes(traditional.encode("big5"))
    out = tmp_path / "kg"
    r = run_policykg("build", str(corpus), "--out", str(out), "-q", "--jobs", "1")
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr
    docs = documents_of(out)
    assert sorted(docs) == ["big5.txt", "gb18030.txt", "gbk.txt", "utf-16-be.txt", "utf-16-le.txt", "utf-16.txt"]
    assert {d["title"] for d in docs.values()} == {"青石镇人民政府工作报告", "青石鎮人民政府工作報告"}
    assert {d["date"] for d in docs.values()} == {"2024-01-05"}


def test_a_mixed_folder_builds_the_good_documents_and_reports_the_bad(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "seed.txt").write_bytes(SEED.read_bytes())
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.md").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (corpus / "huge.txt").write_bytes("一".encode("utf-8") * 14000)  # 42,000 bytes, over the limit below
    (corpus / "page.html").write_text(
        "<html><head><title>青石镇政府工作报告</title><style>/* 岳麓区 */ p { color: red }</style>"
        "<script>var 脚本变量 = '湘潭县';</script></head><body><div><p>2023年,青石镇建成滨河大道,"
        "新建学校两所,改造老旧小区十二个,群众满意度持续提升,全镇地区生产总值增长百分之六。</p></div>"
        "<script>document.write('株洲市荷塘区')</script></body></html>", encoding="utf-8")
    out = tmp_path / "kg"
    r = run_policykg("build", str(corpus), "--out", str(out), "-q", "--jobs", "1", "--max-doc-bytes", "20000")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    warnings = [ln for ln in r.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warnings) == 3, r.stderr
    for name, problem in (("empty.txt", "empty"), ("binary.md", "binary"), ("huge.txt", "--max-doc-bytes")):
        assert any(name in w and problem in w for w in warnings), (name, warnings)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["documents"] == 2 and len(summary["warnings"]) == 3
    docs = documents_of(out)
    assert sorted(docs) == ["page.html", "seed.txt"]
    assert docs["page.html"]["title"] == "青石镇政府工作报告"
    written = (out / "graph.ttl").read_text(encoding="utf-8") + (out / "extract.json").read_text(encoding="utf-8")
    for script_text in ("脚本变量", "湘潭县", "株洲", "荷塘", "岳麓", "color"):
        assert script_text not in written


def test_a_50_mb_single_line_hits_the_size_limit(tmp_path):
    big = tmp_path / "one-line.txt"
    with open(big, "wb") as fh:
        fh.write("青石镇建成滨河大道".encode("utf-8") * (50 * 1024 * 1024 // 27 + 1))
    assert big.stat().st_size > 50 * 1024 * 1024
    assert_user_error(run_policykg("build", str(big), "--out", str(tmp_path / "kg"), "-q"),
                      "one-line.txt", "document size limit", "--max-doc-bytes")


def test_max_doc_bytes_must_be_positive(tmp_path):
    r = run_policykg("build", str(SEED), "--out", str(tmp_path / "kg"), "--max-doc-bytes", "-5")
    assert_user_error(r, "--max-doc-bytes", "-5", "x>=1")


def write_docx(path: Path, document_xml: bytes) -> Path:
    """A .docx package around the given word/document.xml (deflated, as Word writes it)."""
    import zipfile

    types = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
             '</Types>')
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", document_xml)
    return path


def corpus_with(root: Path, *names: str) -> Path:
    """A folder with the seed and copies of it under other names (enough documents for a worker pool)."""
    corpus = root / "corpus"
    corpus.mkdir()
    for name in ("seed.txt", *names):
        (corpus / name).write_bytes(SEED.read_bytes())
    return corpus


def warning_lines(r) -> list[str]:
    """stderr's lines, each of which must be a one-line warning (no traceback, no bare library line)."""
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert all(ln.startswith("warning: ") for ln in lines), r.stderr
    return lines


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_malformed_docx_is_one_warning_and_the_rest_is_built(tmp_path, jobs):
    """lxml's XMLSyntaxError cannot be pickled back from a pool worker: it used to sink the whole build."""
    corpus = corpus_with(tmp_path, "copy-1.txt", "copy-2.txt")
    write_docx(corpus / "broken.docx", b"<w:document xmlns:w='x'><w:body><w:p>")
    out = tmp_path / "kg"
    r = run_policykg("build", str(corpus), "--out", str(out), "-q", "--jobs", jobs)
    assert r.returncode == 0, r.stderr
    [warning] = warning_lines(r)
    assert "broken.docx: not a readable .docx file (XMLSyntaxError: " in warning
    assert sorted(documents_of(out)) == ["copy-1.txt", "copy-2.txt", "seed.txt"]


def test_a_docx_zip_bomb_is_refused_by_its_unzipped_size(tmp_path):
    """A 30 KB .docx that unzips to 30 MB: --max-doc-bytes counts what it unzips to, before anything is unpacked."""
    corpus = corpus_with(tmp_path)
    bomb = write_docx(corpus / "bomb.docx", b"<!--" + b" " * (30 * 2**20) + b"-->")
    assert bomb.stat().st_size < 100_000
    out = tmp_path / "kg"
    r = run_policykg("build", str(corpus), "--out", str(out), "-q", "--max-doc-bytes", str(20 * 2**20))
    assert r.returncode == 0, r.stderr
    [warning] = warning_lines(r)
    assert f"bomb.docx: unzips to {30 * 2**20 + 7 + 1:,}" not in warning  # the sum of all members, not one
    assert "bomb.docx: unzips to " in warning and "over the document size limit of 20,971,520 bytes" in warning
    assert "--max-doc-bytes" in warning
    assert sorted(documents_of(out)) == ["seed.txt"]


def test_inputs_that_are_not_regular_files_are_skipped_with_a_warning_each(tmp_path):
    """A FIFO is never opened (that waits for a writer forever), a device never read (/dev/zero never ends)."""
    corpus = corpus_with(tmp_path)
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    (tmp_path / "elsewhere").mkdir()
    (corpus / "linked").symlink_to(tmp_path / "elsewhere")
    os.mkfifo(tmp_path / "named-pipe.md")
    out = tmp_path / "kg"
    r = run_policykg("build", str(corpus), str(tmp_path / "named-pipe.md"), "/dev/zero", "--out", str(out), "-q",
                     timeout=120)
    assert r.returncode == 0, r.stderr
    warnings = warning_lines(r)
    for name, why in (("pipe.txt", "a named pipe (FIFO), not a file"), ("named-pipe.md", "a named pipe (FIFO)"),
                      ("dangling.txt", "a symbolic link to nothing"), ("loop.txt", "a symbolic link loop"),
                      ("linked", "a symbolic link to a folder, not followed"), ("/dev/zero", "a device, not a file")):
        assert sum(name in w and why in w for w in warnings) == 1, (name, warnings)
    assert len(warnings) == 6
    assert sorted(documents_of(out)) == ["seed.txt"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["warnings"]) == 6


def test_an_unreadable_folder_is_skipped_with_a_warning(tmp_path):
    """As an ordinary user (root reads every folder): a sub-folder without read permission is named, not hidden."""
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv to become an ordinary user")
    base = Path(tempfile.mkdtemp(prefix="policykg-perm-"))  # pytest's own tmp_path is root's alone
    try:
        os.chmod(base, 0o777)
        corpus = corpus_with(base)
        (corpus / "locked").mkdir()
        (corpus / "locked" / "secret.txt").write_bytes(SEED.read_bytes())
        os.chmod(corpus / "locked", 0o000)
        for p in (corpus, corpus / "seed.txt"):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        r = subprocess.run([*as_user, sys.executable, "-m", "cli", "build", str(corpus), "--out",
                            str(base / "kg"), "-q", "--no-cache"], capture_output=True, text=True, cwd=ROOT,
                           env=env, timeout=300)
        assert r.returncode == 0, r.stderr
        [warning] = warning_lines(r)
        assert f"{corpus / 'locked'}: skipped: cannot read this folder (Permission denied)" in warning
        assert sorted(documents_of(base / "kg")) == ["seed.txt"]
    finally:
        os.chmod(base / "corpus" / "locked", 0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_a_newline_in_a_file_name_cannot_forge_a_line(tmp_path):
    corpus = corpus_with(tmp_path)
    (corpus / "bad\nError: forged.txt").write_bytes(b"")
    r = run_policykg("build", str(corpus), "--out", str(tmp_path / "kg"))
    assert r.returncode == 0, r.stderr
    assert not [ln for ln in r.stderr.splitlines() + r.stdout.splitlines() if ln.startswith("Error")]
    [warning] = [ln for ln in r.stderr.splitlines() if ln.startswith("warning:")]
    assert "bad\\nError: forged.txt: the file is empty" in warning
    r = run_policykg("build", str(corpus / "bad\nError: forged.txt"), "--out", str(tmp_path / "kg2"), "-q")
    assert_user_error(r, "bad\\nError: forged.txt")
    assert len(r.stderr.strip().splitlines()) == 1


def test_pypdf_complaints_are_part_of_the_one_warning(tmp_path):
    """pypdf logs "EOF marker not found" as a bare line of its own; it belongs to that document's warning."""
    from pypdf import PdfWriter

    corpus = corpus_with(tmp_path)
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    with open(corpus / "cut.pdf", "wb") as fh:
        writer.write(fh)
    data = (corpus / "cut.pdf").read_bytes()
    (corpus / "cut.pdf").write_bytes(data[:-30])  # the end of the file, with its %%EOF, is lost
    r = run_policykg("build", str(corpus), "--out", str(tmp_path / "kg"), "-q")
    assert r.returncode == 0, r.stderr
    [warning] = warning_lines(r)
    assert "cut.pdf: not a readable PDF (" in warning and "EOF marker not found" in warning


def _build_in_a_small_filesystem(out_size: int, tmp_path: Path):
    """Build the seed into a tmpfs of `out_size` bytes, in a mount namespace of its own (no root needed)."""
    mnt = tmp_path / "small"
    mnt.mkdir(parents=True)
    script = (f"mount -t tmpfs -o size={out_size} none {mnt} && cd {ROOT} && PYTHONPATH={ROOT} "
              f"{sys.executable} -m cli build {SEED} --out {mnt}/kg -q --no-cache")
    return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
                          capture_output=True, text=True, timeout=300)


def test_a_full_disk_is_one_line_naming_the_output(tmp_path, seed_build):
    """At several fill levels (so the main writer or the GraphML child is the one that hits the full disk)."""
    if not shutil.which("unshare"):
        pytest.skip("needs unshare (util-linux) to mount a small filesystem")
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("user namespaces are not allowed here")
    total = sum(p.stat().st_size for p in seed_build.iterdir() if p.is_file())
    for share in (0.3, 0.6, 0.85):
        r = _build_in_a_small_filesystem(int(total * share) // 4096 * 4096, tmp_path / str(share))
        assert r.returncode == 1, (share, r.stderr)
        assert r.stderr.splitlines() == [f"Error: {tmp_path / str(share) / 'small' / 'kg'}: cannot write the build "
                                         "there (No space left on device); the previous output is unchanged"], \
            (share, r.stderr)


# ---------------------------------------------------------------- graphs, queries and options

@pytest.mark.parametrize("suffix", sorted(BAD_RDF))
@pytest.mark.parametrize("command", [("query", ANY_QUERY), ("export", "--format", "nt"), ("validate",)])
def test_malformed_rdf_is_named(tmp_path, suffix, command):
    f = tmp_path / f"broken.{suffix}"
    f.write_text(BAD_RDF[suffix], encoding="utf-8")
    name, *rest = command
    assert_user_error(run_policykg(name, str(f), *rest), "broken." + suffix, "malformed")


ILL_TYPED = ('@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
             'ex:a ex:date "2023-13-45"^^xsd:date ; ex:n "abc"^^xsd:integer .\n')


@pytest.mark.parametrize("command", [("validate",), ("stats",), ("export", "--format", "nt"), ("query", ANY_QUERY)])
def test_ill_typed_literals_are_one_warning_line_each(tmp_path, command):
    f = tmp_path / "dates.ttl"
    f.write_text(ILL_TYPED, encoding="utf-8")
    name, *rest = command
    r = run_policykg(name, str(f), *rest)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    warnings = [ln for ln in r.stderr.splitlines() if ln.startswith("warning:")]
    assert warnings == [f'warning: {f}: ill-typed literal "2023-13-45"^^xsd:date: month must be in 1..12 '
                        "(kept as written)",
                        f'warning: {f}: ill-typed literal "abc"^^xsd:integer: invalid literal for int() with base '
                        "10: 'abc' (kept as written)"], r.stderr
    assert "Failed to convert" not in r.stderr


def test_many_ill_typed_literals_do_not_flood_the_terminal(tmp_path):
    from graph.output.messages import MAX_LINES

    f = tmp_path / "dates.ttl"
    f.write_text(ILL_TYPED + "".join(f'ex:d{i} ex:date "2023-02-{30 + i}"^^xsd:date .\n' for i in range(40)),
                 encoding="utf-8")
    r = run_policykg("stats", str(f))
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    warnings = [ln for ln in r.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warnings) == MAX_LINES + 1
    assert warnings[-1].startswith("warning: more warnings like these are not shown")


def test_malformed_sparql_says_where(tmp_path):
    f = tmp_path / "g.ttl"
    f.write_text(GOOD_TTL, encoding="utf-8")
    assert_user_error(run_policykg("query", str(f), "SELEC ?s WHERE { ?s ?p"), "syntax error", "line 1")


@pytest.mark.parametrize("args, needles", [
    (("query", "{g}", "--example", "no-such-example"), ("no-such-example", "projects-by-place")),
    (("query", "{g}", ANY_QUERY, "--format", "yaml"), ("yaml", "csv")),
    (("query", "{g}", ANY_QUERY, "--store", "mongodb"), ("mongodb", "oxigraph")),
    (("export", "{g}", "--format", "yaml"), ("yaml", "graphml")),
    (("build", str(SEED), "--out", "{tmp}/kg", "--engine", "spark"), ("spark", "dask")),
])
def test_unknown_names_list_the_choices(tmp_path, args, needles):
    g = tmp_path / "g.ttl"
    g.write_text(GOOD_TTL, encoding="utf-8")
    assert_user_error(run_policykg(*fill(args, g=g, tmp=tmp_path)), *needles)


@pytest.mark.parametrize("args", [
    ("build", "{missing}", "--out", "{tmp}/kg"),
    ("extract", "{missing}"),
    ("query", "{missing}", ANY_QUERY),
    ("export", "{missing}", "--format", "nt"),
    ("validate", "{missing}"),
    ("stats", "{missing}"),
    ("viz", "{missing}", "--out", "{tmp}/v.html"),
])
def test_missing_paths_are_named(tmp_path, args):
    missing = tmp_path / "no-such-report.txt"
    r = run_policykg(*fill(args, missing=missing, tmp=tmp_path))
    assert_user_error(r, "no-such-report.txt")
    assert not (tmp_path / "kg").exists() and not (tmp_path / "v.html").exists()


@pytest.mark.parametrize("args", [
    ("build", str(SEED), "--out", "{blocker}/kg", "-q"),
    ("export", "{g}", "--format", "nt", "--out", "{blocker}/g.nt"),
    ("query", "{g}", ANY_QUERY, "--output", "{blocker}/rows.csv"),
])
def test_an_unwritable_out_is_named(tmp_path, args):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    g = tmp_path / "g.ttl"
    g.write_text(GOOD_TTL, encoding="utf-8")
    r = run_policykg(*fill(args, blocker=blocker, g=g))
    assert_user_error(r, "a-file", "not a folder")
    assert blocker.read_text(encoding="utf-8") == "not a folder"


# ---------------------------------------------------------------- arbitrary bytes and text

@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_decode_bytes_raises_only_document_errors(data):
    try:
        text, encoding = decode_bytes(data, "arbitrary.bin")
    except DocumentError as exc:
        assert "arbitrary.bin" in str(exc)
        return
    assert isinstance(text, str) and encoding


REPORT_PIECES = st.sampled_from(["日期:", "2023", "年", "13", "月", "45", "日", "-", "\n", "\r\n", "。", "；", "”",
                                 "中国共产党", "华容区", "第九次代表大会", "在", "举行", "一、", "工作安排", " ",
                                 "\u3000", "\x00", "\u200d", "\ufeff", "e\u0301", "来源：", "记者 张三"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(REPORT_PIECES, st.text(max_size=4)), max_size=40).map("".join))
def test_document_from_text_sentences_slice_the_text(text):
    try:
        doc = document_from_text(text, "arbitrary.txt")
    except DocumentError as exc:
        assert "arbitrary.txt" in str(exc)
        return
    for s in doc.sentences:
        assert doc.text[s.start:s.end] == s.text and s.text.strip()
    if doc.date is not None:  # a header's 2023-13-45 is no date at all, not an invalid xsd:date
        datetime.date.fromisoformat(doc.date)


# ---------------------------------------------------------------- interrupted builds

@pytest.fixture()
def previous_out(tmp_path, seed_build):
    """An OUT from a finished build, and a corpus of 80 renamed seed copies whose build takes a while (long enough
    that a signal sent once writing has begun lands before the build ends, even on a loaded machine)."""
    out = tmp_path / "outs" / "kg"
    shutil.copytree(seed_build, out)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(80):
        (corpus / f"report-{i:02d}.txt").write_bytes(SEED.read_bytes())
    return out, corpus


def start_build_and_wait_for_writing(corpus: Path, out: Path) -> subprocess.Popen:
    """`policykg build` in a subprocess, returned once its temporary OUT has graph.ttl content."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "build", str(corpus), "--out", str(out), "--jobs", "1",
                             "--no-cache", "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        temps = list(out.parent.glob(f".{out.name}.*.tmp/graph.ttl"))
        if temps and any(t.stat().st_size > 0 for t in temps):
            return proc
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"the build never started writing: {proc.communicate()[1]}")


def leftovers(out: Path) -> list[str]:
    """Names next to OUT other than OUT and hidden temporary directories."""
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name != out.name and not (p.name.startswith(f".{out.name}.") and p.name.endswith(".tmp")))


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_an_interrupted_build_leaves_the_previous_out_intact(previous_out, sig):
    out, corpus = previous_out
    before = {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.trig", "summary.json")}
    proc = start_build_and_wait_for_writing(corpus, out)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
        stale = list(out.parent.glob(f".{out.name}.{proc.pid}.*.tmp"))
        assert len(stale) == 1 and stale[0].is_dir(), "SIGKILL cannot clean up: its temporary OUT stays"
    else:
        assert proc.returncode == 128 + sig  # 130 for Ctrl-C, 143 for SIGTERM
        assert err.strip() == ("interrupted" if sig == signal.SIGINT else "terminated")
        assert not list(out.parent.glob(".*.tmp")), "the temporary OUT is removed"
    assert {name: (out / name).read_bytes() for name in before} == before
    assert leftovers(out) == []
    if sig != signal.SIGKILL:
        return
    # the next build removes what the killed one left, says so, and builds
    r = run_policykg("build", str(SEED), str(corpus / "report-00.txt"), "--out", str(out), "-q", "--jobs", "1")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    notes = [ln for ln in r.stderr.splitlines() if ln.startswith("warning:")]
    assert notes == [f"warning: {out}: removed {stale[0].name}, left by process {proc.pid}, which was killed "
                     "mid-write"], r.stderr
    assert not list(out.parent.glob(".*.tmp")) and leftovers(out) == []
    assert sorted(documents_of(out)) == ["huarong-2023-12-26.txt", "report-00.txt"]


def dead_pid() -> int:
    """The process id of a process that has ended."""
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def make_out(path: Path, text: str) -> Path:
    path.mkdir(parents=True)
    (path / "graph.ttl").write_text(text, encoding="utf-8")
    return path


def test_replacing_a_directory_leaves_only_the_new_one(tmp_path):
    from graph.output.atomic import replace_directory, replace_via_backup

    out = make_out(tmp_path / "kg", "old")
    for i, replace in enumerate((replace_directory, replace_via_backup)):
        replace(make_out(tmp_path / f".kg.new{i}.tmp", f"new {i}"), out)
        assert (out / "graph.ttl").read_text(encoding="utf-8") == f"new {i}"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["kg"]


def test_a_writer_killed_between_the_two_renames_gets_its_out_back(tmp_path):
    """A real SIGKILL after the old OUT was moved aside and before the new one was moved in: the next write (here
    recover(), which every atomic write calls first) puts the old OUT back."""
    from graph.output.atomic import recover

    out = make_out(tmp_path / "kg", "previous build")
    killed = subprocess.Popen([sys.executable, "-c", (
        "import os, signal, sys; sys.path.insert(0, sys.argv[2]); from pathlib import Path;"
        "from graph.output.atomic import backup_path; p = Path(sys.argv[1]); os.replace(p, backup_path(p));"
        "os.kill(os.getpid(), signal.SIGKILL)"), str(out), str(ROOT)], stderr=subprocess.PIPE, text=True)
    _, err = killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL, err
    assert not out.exists() and (tmp_path / f".kg.{killed.pid}.old").is_dir()
    notes = recover(out)
    assert notes == [f"{out}: restored the previous output from .kg.{killed.pid}.old (a replacing process was "
                     "killed)"]
    assert (out / "graph.ttl").read_text(encoding="utf-8") == "previous build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg"]


def test_recover_removes_only_what_dead_writers_of_this_out_left(tmp_path):
    from graph.output.atomic import atomic_file, recover

    out = make_out(tmp_path / "kg", "current")
    dead = dead_pid()
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as alive:
        try:
            stale = [make_out(tmp_path / f".kg.{dead}.abc123.tmp", "half"), tmp_path / f".kg.{dead}.old"]
            make_out(stale[1], "older")
            (tmp_path / f".kg.{dead}.x_9.tmp").write_text("half a file", encoding="utf-8")
            kept = [make_out(tmp_path / f".kg.{alive.pid}.abc123.tmp", "another build, running"),
                    make_out(tmp_path / f".kg2.{dead}.abc123.tmp", "another OUT's"),
                    make_out(tmp_path / ".kg.abc123.tmp", "no pid: whose?"),
                    make_out(tmp_path / f".kg.{dead}.ABC.tmp", "not a name we make")]
            notes = recover(out)
            assert len(notes) == 3 and all(n.startswith(f"{out}: removed .kg.{dead}.") for n in notes), notes
            assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["kg", *(k.name for k in kept)])
            assert (out / "graph.ttl").read_text(encoding="utf-8") == "current"  # OUT exists: no backup restored
        finally:
            alive.kill()
    # atomic_file cleans up after killed writers of the same file too
    target = tmp_path / "rows.csv"
    (tmp_path / f".rows.csv.{dead}.k3j_x.tmp").write_text("half", encoding="utf-8")
    with atomic_file(target, "w") as fh:
        fh.write("a,b\n")
    assert target.read_text(encoding="utf-8") == "a,b\n"
    assert not list(tmp_path.glob(".rows.csv.*"))


# ---------------------------------------------------------------- result size limits

@pytest.mark.server
def test_serve_max_rows_cuts_results_and_says_so(seed_build):
    from test_store_serve import form, http, stop

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "serve", str(seed_build), "--port", "0", "--max-rows", "3",
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        first = proc.stdout.readline()
        assert "SPARQL endpoint: http://127.0.0.1:" in first, first + proc.stderr.read()
        url = first.split()[2]
        status, headers, body = http(url, form(ANY_QUERY), {"Accept": "application/sparql-results+json"})
        assert status == 200
        assert headers["X-Result-Truncated"] == "stopped at 3 rows" and headers["X-Result-Rows"] == "3"
        assert len(json.loads(body)["results"]["bindings"]) == 3
        status, headers, body = http(url, form("SELECT ?d WHERE { ?d a pk:Document }"),
                                     {"Accept": "application/sparql-results+json"})
        assert status == 200 and "X-Result-Truncated" not in headers
    finally:
        stop(proc)


def test_query_limit_cuts_results_and_says_so(tmp_path):
    g = tmp_path / "g.ttl"
    g.write_text(GOOD_TTL + "ex:a ex:b ex:d, ex:e, ex:f .\n", encoding="utf-8")
    r = run_policykg("query", str(g), ANY_QUERY, "--limit", "2", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.strip().splitlines()) == 3  # header and two rows
    assert r.stderr.strip() == "note: stopped at --limit 2"
