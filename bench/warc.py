"""make bench: reading a web archive (not a test).

Writes a gzipped WARC of news pages made from our own test pages (boilerplate included; each page
a different story, so few are near copies), then, each in a fresh process so peak memory is its own:

- ``parse``: warcio alone walks the records and reads each payload (the floor);
- ``read``: ``kg.sources.read_documents`` (trafilatura, language id, near-duplicate index), at
  several record counts, and once with a small copy window: the copy index (about 7 KB per article,
  up to its window) is the only state that grows with the number of records;
- ``build``: ``kg build`` of the whole archive into a store on disk.

Prints medians of ``--repeat`` runs (records per second, peak RSS in MB) and ratios to the floor.
"""

from __future__ import annotations

import argparse
import io
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

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "tests" / "data" / "inputs" / "pages" / "sixth-fleet-change-of-command.html"

FIRST = ["Karen", "Daniel", "Olena", "Pierre", "Hans", "Aiko", "Samir", "Laura", "Tomasz", "Ingrid", "Carlos",
         "Nadia", "Viktor", "Fiona", "Rashid", "Elena", "Kwame", "Sofia", "Dmitri", "Grace", "Mateo", "Yara"]
LAST = ["Holt", "Ruiz", "Kovalenko", "Marchetti", "Okafor", "Lindqvist", "Tanaka", "Haddad", "Novak",
        "Ferreira", "Whitcombe", "Adeyemi", "Sorensen", "Castellano", "Petrov", "Nakamura", "Ibrahim",
        "Draper", "Vasquez", "Kowalczyk", "Mendel", "Ashworth", "Quinlan", "Rasmussen", "Delacroix"]
UNITS = ["Sixth Fleet", "Second Fleet", "1st Armored Division", "3rd Infantry Brigade", "Task Force Atlas",
         "Joint Task Force Meridian", "Carrier Strike Group 8", "Northern Shield Command"]
PLACES = ["Naples", "Norfolk", "Rota", "Souda Bay", "Bahrain", "Yokosuka", "Tapa", "Constanta", "Gdynia"]
HOSTS = ["Italy", "Spain", "Greece", "Japan", "Estonia", "Romania", "Poland", "Kuwait", "Bahrain", "Norway"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
# sentences to vary each page's body: every page tells its own story, as real archives do
EXTRA = ["The ceremony was moved indoors because of the weather.", "Local officials attended with their families.",
         "A band from the fleet played before the speeches.", "The command's budget for next year is under review.",
         "Several allied navies sent officers to the event.", "Reporters were given a tour of the flagship.",
         "The outgoing commander thanked the crews for three demanding years.", "Exercises resume next month.",
         "Shipyard repairs delayed two deployments this spring.", "A new training centre opens in the autumn.",
         "The base employs hundreds of local civilians.", "Harbour works will finish before the summer."]


def page(rng: random.Random, number: int) -> bytes:
    """One news page: our page's markup and boilerplate around a story of its own."""
    html = PAGE.read_text(encoding="utf-8")
    new, old = (f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(2))
    boss = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    unit, place, host, day = rng.choice(UNITS), rng.choice(PLACES), rng.choice(HOSTS), rng.choice(DAYS)
    count = rng.randrange(5, 400) * 100
    extra = " ".join(rng.sample(EXTRA, 5))
    years = rng.randrange(20, 38)
    body = (f"<p>Vice Admiral {new} took command of {unit} on {day} at a ceremony in {place}, story {number}.</p>\n"
            f"<p>{new.split()[1]} succeeds Vice Admiral {old}, who moves to a staff post after {years} years "
            f"in uniform. {extra}</p>\n<p>{new.split()[1]} reports to Admiral {boss}. The United States has about "
            f"{count:,} troops in {host}, many of them at bases near {place}.</p>\n")
    start = html.index('<div class="story-body">') + len('<div class="story-body">')
    end = html.index("</div>\n</article>")
    title = f"Vice Admiral {new} takes command of {unit}"
    html = html[:start] + "\n" + body + html[end:]
    html = html.replace("Vice Admiral Karen Holt takes command of US Sixth Fleet", title)
    return html.replace("2024-03-08", f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}").encode("utf-8")


def write_archive(path: Path, records: int, seed: int = 7) -> Path:
    """A gzipped WARC of ``records`` HTML responses (and their request records)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(seed)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for number in range(records):
            uri = f"https://news.example.org/navy/{number}"
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(page(rng, number)),
                                                          http_headers=http,
                                                          warc_headers_dict={"WARC-Date": "2024-06-01T00:00:00Z"}))
    return path


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, archive: Path, limit: int) -> dict[str, float]:
    """Runs in a fresh process: one measurement (imports and model loading not timed)."""
    from warcio.archiveiterator import ArchiveIterator

    if mode != "parse":
        import kg.pipeline
        import kg.sources.html
        from kg.language import language_of

        language_of("Loads the model before the clock starts.")
        assert kg.pipeline and kg.sources.html
    started = time.perf_counter()
    done = 0
    if mode == "parse":
        with archive.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    record.content_stream().read()
                    done += 1
                    if done == limit:
                        break
    elif mode.startswith("read"):
        from kg.sources import ReadLog, ReadOptions, read_documents

        log = ReadLog()
        copies = 0
        window = int(mode.split(":")[1]) if ":" in mode else ReadOptions().dedup_window
        for document in read_documents([archive], log=log, options=ReadOptions(dedup_window=window)):
            done += 1
            copies += document.duplicate_of is not None
            if done == limit:
                break
        return {"records": done, "seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "copies": copies}
    else:
        from kg.pipeline import build
        from kg.store import Store

        scratch = Path(tempfile.mkdtemp(prefix="kg-bench-warc-"))
        try:
            store = Store(scratch / "store")
            report = build([archive], store)
            done = report.articles
            store.close()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return {"records": done, "seconds": time.perf_counter() - started, "peak_mb": peak_mb()}


def run(mode: str, archive: Path, limit: int) -> dict[str, float]:
    output = subprocess.run([sys.executable, __file__, "--child", mode, str(archive), str(limit)],
                            check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "ARCHIVE", "LIMIT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, archive, limit = args.child
        print(json.dumps(child(mode, Path(archive), int(limit))))
        return
    folder = Path(tempfile.mkdtemp(prefix="kg-bench-warc-"))
    try:
        _compare(folder, args.records, args.repeat)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _compare(folder: Path, records: int, repeat: int) -> None:
    archive = write_archive(folder / "crawl.warc.gz", records)
    print(f"== WARC: {records} HTML responses, {archive.stat().st_size / 1e6:.1f} MB gzipped "
          f"(medians of {repeat} runs, each in a fresh process)")

    def median(mode: str, limit: int) -> tuple[float, float, dict[str, float]]:
        runs = [run(mode, archive, limit) for _ in range(repeat)]
        rate = statistics.median(r["records"] / r["seconds"] for r in runs)
        return rate, statistics.median(r["peak_mb"] for r in runs), runs[0]

    floor_rate, floor_peak, _ = median("parse", records)
    print(f"warcio alone (floor)        {floor_rate:8.0f} records/s   peak RSS {floor_peak:6.0f} MB")
    for limit in sorted({records // 8, records // 4, records // 2, records}):
        rate, peak, first = median("read", limit)
        print(f"read {limit:>6} records        {rate:8.0f} records/s   peak RSS {peak:6.0f} MB   "
              f"({floor_rate / rate:.0f}x the floor's time; {int(first['copies'])} flagged as near copies)")
    rate, peak, first = median("read:250", records)
    print(f"read {records:>6}, copy window 250 {rate:6.0f} records/s   peak RSS {peak:6.0f} MB   "
          "(the copy index is the only state that grows, up to its window)")
    rate, peak, first = median("build", records)
    print(f"kg build, {int(first['records'])} articles     {rate:8.0f} articles/s  peak RSS {peak:6.0f} MB")


if __name__ == "__main__":
    main()
