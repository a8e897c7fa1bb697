#!/usr/bin/env python3
"""Turns the OpenFlow benchmark's raw metrics (switch<TAB>round<TAB>key<TAB>value) into results JSON (medians over the
rounds and every sample) and a Markdown table: medians, vswitch / OVS ratios, and each round's figures."""
import argparse
import json
import statistics

ap = argparse.ArgumentParser()
ap.add_argument("--metrics", required=True)
ap.add_argument("--json", required=True)
ap.add_argument("--setup-detail", default="")
for opt in ("started", "quick", "command", "kernel", "cpus", "ovs-version", "loadavg", "rounds", "flows",
            "setup-seconds", "setup-rate"):
    ap.add_argument("--" + opt, default="")
a = ap.parse_args()

samples, errors, order = {}, {}, []
for line in open(a.metrics):
    parts = line.rstrip("\n").split("\t")
    if len(parts) != 4:
        continue
    sw, rnd, key, value = parts
    if sw not in order:
        order.append(sw)
    if key == "error":
        errors.setdefault(sw, []).append(f"round {rnd}: {value}")
        continue
    samples.setdefault(sw, {}).setdefault(key, []).append(float(value))

med = {sw: {k: statistics.median(v) for k, v in ks.items()} for sw, ks in samples.items()}
detail = []
if a.setup_detail:
    try:
        detail = [json.loads(l) for l in open(a.setup_detail) if l.strip()]
    except FileNotFoundError:
        pass

with open(a.json, "w") as f:
    json.dump({"started": a.started, "quick": a.quick == "1", "command": a.command, "kernel": a.kernel,
               "cpus": a.cpus, "ovs_version": a.ovs_version, "loadavg": a.loadavg, "rounds": int(a.rounds or 1),
               "flows": int(a.flows or 0), "setup_seconds": float(a.setup_seconds or 0),
               "setup_rate": float(a.setup_rate or 0), "median": med, "samples": samples, "errors": errors,
               "setup_detail": detail,
               "notes": "install_ofctl_fps: ovs-ofctl add-flows + dump-aggregate, end to end; install_pipelined_fps: "
                        "first byte written to barrier reply (confirmed: + dump-aggregate); setup_flows_per_s: "
                        "distinct new flows that reached h2 per second of sending; setup_lost_pct: new flows sent "
                        "whose packet-in never reached the controller"},
              f, indent=2)

NAMES = {"vswitch": "vswitch", "ovs": "OVS 3.1 netdev"}
# key, label, format, higher is better, target vs OVS (ratio) or None
ROWS = [
    ("install_ofctl_fps", f"install {a.flows} flows, ovs-ofctl add-flows (flows/s)", "{:.0f}", True, 1.0),
    ("install_pipelined_fps", f"install {a.flows} flows, pipelined + 1 barrier (flows/s)", "{:.0f}", True, 1.0),
    ("install_pipelined_confirmed_fps", "  same, until dump-aggregate confirmed (flows/s)", "{:.0f}", True, None),
    ("delete_all_s", f"delete {a.flows} flows, del-flows + dump-aggregate (s)", "{:.2f}", False, None),
    ("setup_offered_pps", "setup: new flows offered (per s)", "{:.0f}", None, None),
    ("setup_packet_ins_per_s", "setup: packet-ins reaching the controller (per s)", "{:.0f}", True, None),
    ("setup_flows_per_s", "setup: flows set up (first packet at h2, per s)", "{:.0f}", True, 1.0),
    ("setup_lost_pct", "setup: new flows lost before the controller (%)", "{:.1f}", False, None),
    ("setup_switch_dropped", "setup: packet-ins dropped inside the switch (count)", "{:.0f}", None, None),
    ("setup_latency_p50_us", "setup: first-packet latency p50 (us)", "{:.0f}", False, None),
    ("setup_latency_p99_us", "setup: first-packet latency p99 (us)", "{:.0f}", False, None),
]
cols = [sw for sw in ("vswitch", "ovs") if sw in order]


def ratio(x, y):
    if x is None or y is None or y == 0:
        return "-"
    return f"{x / y:.2f}x"


head = ["metric"] + [NAMES[c] for c in cols]
both = "vswitch" in cols and "ovs" in cols
if both:
    head += ["vswitch / OVS", "target"]
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for key, label, fmt, better, target in ROWS:
    vals = {c: med.get(c, {}).get(key) for c in cols}
    if all(v is None for v in vals.values()):
        continue
    row = [label] + [fmt.format(vals[c]) if vals[c] is not None else "-" for c in cols]
    if both:
        v, o = vals["vswitch"], vals["ovs"]
        row.append(ratio(v, o) if better is not None else "-")
        verdict = ""
        if target is not None and v is not None and o:
            verdict = "faster than OVS: " + ("met" if v / o > target else "MISSED")
        row.append(verdict)
    print("| " + " | ".join(row) + " |")

print()
print("Per round (" + ", ".join(NAMES[c] for c in cols) + "):")
for key, label, fmt, better, target in ROWS:
    per = []
    for c in cols:
        s = samples.get(c, {}).get(key)
        if s:
            per.append(NAMES[c] + " " + "/".join(fmt.format(x) for x in s))
    if per:
        print(f"- {label.strip()}: " + "; ".join(per))
for sw, errs in errors.items():
    print(f"\n{NAMES.get(sw, sw)}: " + "; ".join(errs))
