"""Results on disk: JSON (every case, every figure), Markdown, JUnit XML, and merging.

A result record is a plain dict so that shards run on different machines can be merged
into the same report that one machine would have written (`python3 -m harness merge`).
"""

import json
import statistics
import xml.etree.ElementTree as ET
import zlib

FORMAT_VERSION = 1


def shard_of(case_id, shards):
    """A stable shard number for a case: the same on every machine and every run."""
    return zlib.crc32(case_id.encode()) % shards


def select_shard(cases, shard):
    """shard = (k, n) with 1 <= k <= n: the k-th of n stable shares of the cases."""
    k, n = shard
    return [c for c in cases if shard_of(c.id, n) == k - 1]


def parse_shard(text):
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard {text!r}: expected K/N, e.g. 2/4") from None
    if not 1 <= k <= n:
        raise ValueError(f"--shard {text!r}: K must be between 1 and N")
    return k, n


def record(case, runs, skip_reason=""):
    """One case's record from its verdicts over repeated runs (empty when skipped)."""
    rec = {"id": case.id, "engine": case.engine, "firmware": case.firmware,
           "payload": case.payload.kind, "form": case.payload.form,
           "handoff": case.handoff, "toggles": case.toggles.id}
    if case.payload.kind == "devices":
        rec["virtio"] = case.device_set
    if not runs:
        rec.update(result="skip", reason=skip_reason)
        return rec
    failed = [v for v in runs if not v.passed]
    rec["result"] = "fail" if failed else "pass"
    rec["runs"] = len(runs)
    rec["passed_runs"] = len(runs) - len(failed)
    # A case that passed on some runs and failed on others is a flake: the rig or the
    # machine under test is not deterministic there, which is worth more than either verdict.
    rec["flaky"] = 0 < len(failed) < len(runs)
    rec["problems"] = failed[0].problems if failed else []
    rec["linux"] = runs[-1].linux
    rec["checks"] = runs[-1].checks
    rec["nested"] = case.engine_def.nested
    rec["figures"] = summarise([v.figures for v in runs])
    return rec


def summarise(figure_dicts):
    """{name: {median, min, max, n}} over the runs that produced each figure."""
    names = sorted({k for d in figure_dicts for k in d})
    out = {}
    for name in names:
        values = [d[name] for d in figure_dicts if d.get(name) is not None]
        if values:
            out[name] = {"median": statistics.median(values), "min": min(values),
                         "max": max(values), "n": len(values)}
    return out


def document(records, meta):
    return {"format": FORMAT_VERSION, "meta": meta,
            "cases": sorted(records, key=lambda r: r["id"])}


def merge(documents):
    """Shards' documents -> one document, as if one machine had run every case."""
    if not documents:
        raise ValueError("merge: no result files given")
    seen = {}
    for doc in documents:
        if doc.get("format") != FORMAT_VERSION:
            raise ValueError(f"merge: result format {doc.get('format')} is not {FORMAT_VERSION}")
        for rec in doc["cases"]:
            if rec["id"] in seen and seen[rec["id"]] != rec:
                raise ValueError(f"merge: case {rec['id']} appears in two shards with"
                                 " different results")
            seen[rec["id"]] = rec
    meta = dict(documents[0]["meta"])
    meta.pop("shard", None)
    return document(list(seen.values()), meta)


def dumps(doc):
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def column_of(rec):
    form = rec["form"]
    if rec.get("handoff"):
        form = rec["handoff"] if rec["handoff"] == "pvh" else f"{form}{rec['handoff']}"
    if rec.get("virtio"):
        form = f"{form}/{rec['virtio']}"     # the device suite's virtio set
    return f"{rec['engine']}/{rec['firmware']}/{form}"


def cell_of(rec, figure):
    if rec["result"] == "skip":
        return "skip"
    if rec.get("flaky"):
        return f"FLAKY {rec['passed_runs']}/{rec['runs']}"
    if rec["result"] == "fail":
        return "FAIL"
    value = rec.get("figures", {}).get(figure, {}).get("median")
    return f"ok {value:.0f}" if value is not None else "ok"


def markdown(doc, figure="spawn_to_init_ms"):
    """One table per payload: rows = toggle sets, columns = engine/firmware/format.

    Columns where every case was skipped are listed under the table, not drawn.
    """
    out = []
    for kind in sorted({r["payload"] for r in doc["cases"]}):
        recs = [r for r in doc["cases"] if r["payload"] == kind]
        fig = figure if kind == "linux" else None
        out.append(_table(kind, recs, fig))
    sources = doc.get("meta", {}).get("figure_sources")
    if sources:
        out.append("### Where each figure comes from\n")
        out += [f"- `{name}`: {what}" for name, what in sorted(sources.items())]
        out.append("")
    return "\n".join(out)


def _table(kind, recs, figure):
    cols, rows, cells = [], [], {}
    for rec in recs:
        col, row = column_of(rec), rec["toggles"]
        cols.append(col) if col not in cols else None
        rows.append(row) if row not in rows else None
        cells[row, col] = cell_of(rec, figure) if figure else cell_of(rec, "-")
    skipped = [c for c in cols if all(cells.get((r, c), "skip") == "skip" for r in rows)]
    cols = [c for c in cols if c not in skipped]
    rows.sort(reverse=True)
    what = (f"result and median {figure} (host clock; L1's clock for nested engines)"
            if figure else "result")
    lines = [f"### {kind}", "", f"Cells: {what}.", ""]
    if cols:
        lines += ["| toggles | " + " | ".join(cols) + " |", "| --- |" + " --- |" * len(cols)]
        for row in rows:
            lines.append(f"| {row} | " + " | ".join(cells.get((row, c), "") for c in cols)
                         + " |")
    if skipped:
        lines += ["", "Skipped entirely: " + ", ".join(skipped) + "."]
    return "\n".join(lines) + "\n"


def counts(doc):
    c = {"pass": 0, "fail": 0, "skip": 0, "flaky": 0}
    for rec in doc["cases"]:
        c[rec["result"]] += 1
        c["flaky"] += bool(rec.get("flaky"))
    return c


def junit(doc):
    """JUnit XML for CI systems: one testcase per case, skips with their reasons."""
    c = counts(doc)
    suite = ET.Element("testsuite", name="microrig", tests=str(len(doc["cases"])),
                       failures=str(c["fail"]), skipped=str(c["skip"]))
    for rec in doc["cases"]:
        secs = rec.get("figures", {}).get("elapsed_ms", {}).get("median", 0) / 1000
        tc = ET.SubElement(suite, "testcase", classname=f"microrig.{rec['engine']}",
                           name=rec["id"], time=f"{secs:.3f}")
        if rec["result"] == "skip":
            ET.SubElement(tc, "skipped", message=rec.get("reason", ""))
        elif rec["result"] == "fail":
            ET.SubElement(tc, "failure", message="; ".join(rec.get("problems", [])))
    return ET.tostring(suite, encoding="unicode") + "\n"
