"""Scores matchbench's queries with nomenklatura's algorithms, side by side.

Reads the records and hopcheck's results that `go run ./bench/matchbench`
wrote (records.jsonl, hopcheck.jsonl), scores each query against the same
candidates (what hopcheck's retrieval brought, plus the right answers, so
that nomenklatura is never hurt by hopcheck's retrieval), and prints for
hopcheck and each algorithm: top-1 accuracy, wrong entities at or above
the threshold, absent names at or above it, and scoring latency.

    python bench/match/nomenklatura_bench.py /tmp/matchbench
"""
import json
import sys
import time

from followthemoney import model
from nomenklatura.matching import LogicV1, LogicV2, NameMatcher, NameQualifiedMatcher
from nomenklatura.matching.types import ScoringConfig

SCHEMA = {"person": "Person", "government_body": "PublicBody", "organization": "Organization"}


def entity(rid, kind, names, country=None):
    e = model.make_entity(SCHEMA.get(kind, "LegalEntity"))
    e.id = rid
    e.add("name", names[0])
    if len(names) > 1:
        e.add("alias", names[1:])
    if country:
        e.add("country", country)
    return e


def main(out):
    recs = {}
    for line in open(f"{out}/records.jsonl"):
        r = json.loads(line)
        recs[r["id"]] = entity(r["id"], r["kind"], [r["name"]] + (r.get("aliases") or []), r.get("country"))
    rows = [json.loads(l) for l in open(f"{out}/hopcheck.jsonl")]
    config = ScoringConfig.defaults()
    algos = [LogicV1, LogicV2, NameMatcher, NameQualifiedMatcher]
    answers = {"hopcheck": [(r["top"], r["score"], r["micros"]) for r in rows]}
    for algo in algos:
        got = []
        for r in rows:
            # The query takes each candidate's schema: a name alone says no
            # schema, and logic-v2 scores schema-incompatible pairs 0.
            queries = {}
            best, best_id = -1.0, ""
            start = time.perf_counter()
            for cid in r["candidates"] or []:
                schema = recs[cid].schema.name
                if schema not in queries:
                    q = model.make_entity(schema)
                    q.id = f"query-{len(got)}-{schema}"
                    q.add("name", r["name"])
                    queries[schema] = q
                s = algo.compare(queries[schema], recs[cid], config).score
                if s > best or (s == best and cid < best_id):
                    best, best_id = s, cid
            micros = int((time.perf_counter() - start) * 1e6)
            got.append((best_id, max(best, 0.0), micros))
        answers[algo.NAME] = got
    variants = [i for i, r in enumerate(rows) if r["rule"] != "absent"]
    absent = [i for i, r in enumerate(rows) if r["rule"] == "absent"]
    print(f"{len(variants)} variant queries, {len(absent)} absent names, {len(recs)} records")
    print("matcher                 threshold  top-1    wrong>=t  absent>=t  p50 µs  p99 µs")
    for name, got in answers.items():
        thresholds = [0.85, 0.9] if name == "hopcheck" else [0.7, 0.85, 0.9]
        lat = sorted(g[2] for g in got)
        for t in thresholds:
            # top-1: the right entity on top, at or above the review threshold (0.7; hopcheck's review threshold too)
            right = sum(1 for i in variants if got[i][0] in rows[i]["accept"] and got[i][1] >= 0.7)
            wrong = sum(1 for i in variants if got[i][0] and got[i][0] not in rows[i]["accept"] and got[i][1] >= t)
            fa = sum(1 for i in absent if got[i][1] >= t)
            print(f"{name:23} {t:9.2f}  {100*right/len(variants):5.1f}%  {100*wrong/len(variants):6.1f}%  {100*fa/len(absent):7.1f}%"
                  f"  {lat[len(lat)//2]:6d}  {lat[len(lat)*99//100]:6d}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "matchbench-out")
