#!/usr/bin/env python3
"""Turns the forwarding benchmark's raw metrics (switch<TAB>key<TAB>value, repeats as repeated rows) into
results JSON (medians and every sample) and a Markdown table with ratios to Linux bridge and Open vSwitch."""
import argparse
import json
import statistics

ap = argparse.ArgumentParser()
ap.add_argument("--metrics", required=True)
ap.add_argument("--json", required=True)
ap.add_argument("--started", default="")
ap.add_argument("--quick", default="0")
ap.add_argument("--command", default="")
ap.add_argument("--kernel", default="")
ap.add_argument("--cpus", default="")
ap.add_argument("--ovs-version", default="")
ap.add_argument("--loadavg", default="")
ap.add_argument("--rounds", default="1")
ap.add_argument("--sink", default="stack")
a = ap.parse_args()

samples, errors, order = {}, {}, []
for line in open(a.metrics):
    parts = line.rstrip("\n").split("\t")
    if len(parts) != 3:
        continue
    sw, key, value = parts
    if sw not in order:
        order.append(sw)
    if key == "error":
        errors.setdefault(sw, []).append(value)
        continue
    samples.setdefault(sw, {}).setdefault(key, []).append(float(value))

med = {sw: {k: statistics.median(v) for k, v in ks.items()} for sw, ks in samples.items()}
for sw in med:
    m = med[sw]
    for size in ("60", "1496"):
        o, d = m.get(f"load{size}_offered_pps"), m.get(f"load{size}_delivered_pps")
        if o:
            m[f"load{size}_loss_pct"] = max(0.0, 100 * (1 - d / o))

with open(a.json, "w") as f:
    json.dump({"started": a.started, "quick": a.quick == "1", "command": a.command, "kernel": a.kernel,
               "cpus": a.cpus, "ovs_version": a.ovs_version, "loadavg": a.loadavg, "rounds": int(a.rounds), "sink": a.sink, "median": med, "samples": samples, "errors": errors,
               "notes": "frame sizes without FCS: 60 B ('64-byte frames') and 1496 B ('1500-byte frames'); "
                        "full load: one trafgen process; delivered = rx_packets of B's veth; zero-loss: < 0.1 % loss; "
                        "sink: drop = B drops the UDP streams at its ingress hook (nftables), stack = B's IP stack "
                        "takes them"},
              f, indent=2)

NAMES = {"vswitch": "vswitch", "vswitch-normal": "vswitch (NORMAL)", "linux-bridge": "Linux bridge",
         "ovs": "OVS netdev"}
# key, label, scale, format, higher_is_better, target vs OVS (ratio, description) or None
ROWS = [
    ("load60_offered_pps", "64 B, full load: offered (kpps)", 1e-3, "{:.0f}", None, None),
    ("load60_delivered_pps", "64 B, full load: delivered (kpps)", 1e-3, "{:.0f}", True, (2.0, ">= 2x OVS")),
    ("load60_loss_pct", "64 B, full load: loss (%)", 1, "{:.1f}", None, None),
    ("load1496_offered_pps", "1500 B, full load: offered (kpps)", 1e-3, "{:.0f}", None, None),
    ("load1496_delivered_pps", "1500 B, full load: delivered (kpps)", 1e-3, "{:.0f}", True, None),
    ("load1496_loss_pct", "1500 B, full load: loss (%)", 1, "{:.1f}", None, None),
    ("zero_loss60_pps", "64 B, zero-loss rate (kpps, < 0.1 % loss)", 1e-3, "{:.0f}", True, (4.0, ">= 4x OVS")),
    ("tcp_offloads_on_bps", "TCP, offloads on (Gbit/s)", 1e-9, "{:.2f}", True, ("works", "works")),
    ("tcp_offloads_off_bps", "TCP, offloads off (Gbit/s)", 1e-9, "{:.2f}", True, (2.0, ">= 2x OVS")),
    ("ping_avg_us", "ping RTT avg (us)", 1, "{:.0f}", False, (1.0, "<= OVS")),
    ("ping_p50_us", "ping RTT p50 (us)", 1, "{:.0f}", False, None),
    ("idle_cpu_pct", "idle CPU of the daemon (%)", 1, "{:.2f}", False, ("idle", "< 2 %")),
]

cols = [sw for sw in ("vswitch", "vswitch-normal", "linux-bridge", "ovs") if sw in order]


def ratio(x, y):
    if x is None or y is None or y == 0:
        return "-"
    return f"{x / y:.2f}x"


def no_ratio(key):  # losses, offered rates and idle CPU near zero make meaningless ratios
    return key.endswith("loss_pct") or key.endswith("offered_pps") or key == "idle_cpu_pct"


head = ["metric"] + [NAMES[c] for c in cols]
if "vswitch" in cols and "linux-bridge" in cols:
    head.append("vswitch / Linux bridge")
if "vswitch" in cols and "ovs" in cols:
    head.append("vswitch / OVS")
if "vswitch" in cols:
    head.append("target")
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for key, label, scale, fmt, _, target in ROWS:
    vals = {c: med.get(c, {}).get(key) for c in cols}
    if all(v is None for v in vals.values()):
        continue
    row = [label] + [fmt.format(vals[c] * scale) if vals[c] is not None else "-" for c in cols]
    if key == "tcp_offloads_on_bps":
        for i, c in enumerate(cols):
            if vals[c] == 0:
                row[i + 1] = "0 (stalls)"
    if key == "zero_loss60_pps":  # the sender (one core, the whole kernel path on it) could go no faster
        for i, c in enumerate(cols):
            if med.get(c, {}).get("zero_loss60_sender_limited"):
                row[i + 1] = ">= " + row[i + 1] + " (sender-limited)"
    v, lb, ovs = vals.get("vswitch"), vals.get("linux-bridge"), vals.get("ovs")
    if "vswitch" in cols and "linux-bridge" in cols:
        row.append(ratio(v, lb) if not no_ratio(key) else "-")
    if "vswitch" in cols and "ovs" in cols:
        row.append(ratio(v, ovs) if not no_ratio(key) else "-")
    if "vswitch" in cols:
        verdict = ""
        if target is not None and v is not None:
            goal, desc = target
            if goal == "works":  # the aim (Linux bridge's rate) is a direction, not a pass mark
                verdict = ("works: met" if v > 0 else "works: MISSED") + (f" (aim: Linux bridge, {ratio(v, lb)})" if lb else "")
            elif goal == "idle":
                verdict = f"{desc}: " + ("met" if v < 2 else "MISSED")
            elif ovs:
                r = v / ovs
                ok = r >= goal if key != "ping_avg_us" else r <= goal
                verdict = f"{desc}: " + ("met" if ok else "MISSED")
            else:
                verdict = f"{desc}: no OVS figure"
        row.append(verdict)
    print("| " + " | ".join(row) + " |")
for sw, errs in errors.items():
    print(f"\n{NAMES.get(sw, sw)}: " + "; ".join(errs))
print(f"\nsink of the UDP streams: {'dropped at B ingress (nftables)' if a.sink == 'drop' else 'B IP stack'}")
