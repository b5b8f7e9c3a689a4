"""Result records, shards and merging: shards merged equal one machine's run."""

import xml.etree.ElementTree as ET
import zlib

from harness import results
from harness.cases import linux_cases
from harness.judge import Verdict

CASES = list(linux_cases(engines=("qemu-tcg",), firmwares=("qboot",)))


def fake_records(cases):
    """Deterministic per case (not per position), so a shard's records equal the full run's."""
    out = []
    for c in cases:
        i = zlib.crc32(c.id.encode())
        if i % 5 == 4:
            out.append(results.record(c, [], "not here"))
            continue
        v = Verdict(c.id, i % 7 != 3, [] if i % 7 != 3 else ["Linux sees serial=none"],
                    {"spawn_to_init_ms": 1000.0 + i % 100, "elapsed_ms": 1200.0 + i % 100})
        out.append(results.record(c, [v, v]))
    return out


def test_shards_partition_the_cases():
    shards = [results.select_shard(CASES, (k, 4)) for k in range(1, 5)]
    ids = [c.id for s in shards for c in s]
    assert sorted(ids) == sorted(c.id for c in CASES)


def test_merged_shards_equal_a_single_run():
    single = results.document(fake_records(CASES), {"machine": "m"})
    docs = [results.document(fake_records(results.select_shard(CASES, (k, 3))),
                             {"machine": "m", "shard": f"{k}/3"}) for k in (1, 2, 3)]
    assert results.merge(docs) == single


def test_conflicting_shards_are_refused():
    recs = fake_records(CASES[:2])
    other = [dict(r, result="fail") for r in recs]
    try:
        results.merge([results.document(recs, {}), results.document(other, {})])
    except ValueError as e:
        assert CASES[0].id in str(e)
    else:
        raise AssertionError("merge accepted two different results for one case")


def test_medians_and_spread():
    s = results.summarise([{"a": 3.0}, {"a": 1.0}, {"a": 2.0}, {}])
    assert s["a"] == {"median": 2.0, "min": 1.0, "max": 3.0, "n": 3}


def test_markdown_and_junit_say_the_same():
    doc = results.document(fake_records(CASES), {})
    md = results.markdown(doc)
    c = results.counts(doc)
    assert md.count("FAIL") == c["fail"] and md.count("skip") == c["skip"]
    suite = ET.fromstring(results.junit(doc))
    assert int(suite.get("failures")) == c["fail"]
    assert len(suite.findall("testcase/skipped")) == c["skip"]


def test_a_case_that_changes_its_result_between_runs_is_flaky():
    case = CASES[0]
    ok = Verdict(case.id, True, [], {"elapsed_ms": 1.0})
    bad = Verdict(case.id, False, ["Linux sees rtc=none"], {"elapsed_ms": 1.0})
    steady, flake = results.record(case, [ok, ok, ok]), results.record(case, [ok, bad, ok])
    assert not steady["flaky"] and steady["result"] == "pass"
    assert flake["flaky"] and flake["result"] == "fail" and flake["passed_runs"] == 2
    doc = results.document([flake], {})
    assert "FLAKY 2/3" in results.markdown(doc)
    assert results.counts(doc)["flaky"] == 1


def test_device_suite_columns_name_the_virtio_set():
    from harness.cases import devices_cases
    cases = devices_cases(engines=("qemu-tcg",), firmwares=("qboot",))
    recs = fake_records(cases)
    assert {r["virtio"] for r in recs} == {"blk+console", "net", "blk+console+net", "none"}
    table = results.markdown(results.document(recs, {}))
    for col in ("qemu-tcg/qboot/pvh/net", "qemu-tcg/qboot/pvh/none"):
        assert col in table, f"no column {col} in\n{table}"
