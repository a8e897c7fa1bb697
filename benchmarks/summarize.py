#!/usr/bin/env python3
"""Turns a JMH JSON result (bin/bench) into README's figures table: median and best iteration per benchmark,
the ratio of the median to the in-run anchor (AnchorBenchmark), and allocation per operation."""
import json
import statistics
import sys

TARGETS = {
    "ParseBenchmark.tcpIpv4": "",
    "ExactMatchBenchmark.emcHit": "< 40 ns (parse + EMC hit)",
    "FastPathBenchmark.megaflowHit subtables=10": "< 150 ns",
    "FlowInsertBenchmark.insert100k": "< 2 s",
}
LABELS = {
    "ParseBenchmark.tcpIpv4": "parse Ethernet/IPv4/TCP",
    "ParseBenchmark.udpIpv6Vlan": "parse 802.1Q/IPv6/UDP",
    "ExactMatchBenchmark.emcHit": "exact-match hit: parse + EMC + output",
    "FastPathBenchmark.megaflowHit subtables=1": "megaflow hit, 1 subtable (no EMC): parse + lookup + output",
    "FastPathBenchmark.megaflowHit subtables=10": "megaflow hit, 10 subtables",
    "FastPathBenchmark.megaflowHit subtables=30": "megaflow hit, 30 subtables",
    "ClassifierBenchmark.lookup entries=1000": "slow-path table lookup, 1k entries (8 masks)",
    "ClassifierBenchmark.lookup entries=10000": "slow-path table lookup, 10k entries",
    "ClassifierBenchmark.lookup entries=100000": "slow-path table lookup, 100k entries",
    "ActionBenchmark.copyOnly": "restore a 60-byte frame (baseline of the action rows)",
    "ActionBenchmark.output": "action: output",
    "ActionBenchmark.setFieldAndOutput": "action: set-field ip_dst + output",
    "ActionBenchmark.pushVlanAndOutput": "action: push VLAN + set vlan_vid + output",
    "FlowInsertBenchmark.insert100k": "insert 100k flows into one table",
    "AnchorBenchmark.dependentMultiplies": "anchor: 100 dependent multiplies",
}

def main(path):
    data = json.load(open(path))
    rows, anchor = [], None
    for b in data:
        name = ".".join(b["benchmark"].split(".")[-2:])
        params = " ".join(f"{k}={v}" for k, v in b.get("params", {}).items())
        key = f"{name} {params}".strip()
        raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
        alloc = next((m["score"] for k, m in b["secondaryMetrics"].items() if k.endswith("gc.alloc.rate.norm")), None)
        rows.append((key, statistics.median(raw), min(raw), b["primaryMetric"]["scoreUnit"], alloc))
        if name == "AnchorBenchmark.dependentMultiplies":
            anchor = statistics.median(raw)
    print("| benchmark | median | best | unit | median / anchor | B/op | target |")
    print("|---|---|---|---|---|---|---|")
    order = list(LABELS)
    rows.sort(key=lambda r: order.index(r[0]) if r[0] in order else 99)
    for key, med, best, unit, alloc in rows:
        ratio = f"{med / anchor:.2f}" if anchor and unit == "ns/op" else "-"
        a = "-" if alloc is None else (f"{alloc:.0f}" if alloc >= 1 else "≈0")
        print(f"| {LABELS.get(key, key)} | {med:.1f} | {best:.1f} | {unit} | {ratio} | {a} | {TARGETS.get(key, '')} |")

if __name__ == "__main__":
    main(sys.argv[1])
