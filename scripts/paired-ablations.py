#!/usr/bin/python3
"""Paired differences between two ablations of the same arms and seeds (B minus A), arm by arm,
seed by seed, from each run's report.json: mean and 95% t interval, and how many runs are the same
byte for byte (metrics.csv). The ablation's own summary compares arms within one ablation; this
compares one ablation's arms with another's, e.g. the full diversity probe with a subset:

    scripts/paired-ablations.py ablation-full ablation-probe2

Python 3 standard library only.
"""
import json
import math
import os
import sys

# Two-sided 97.5% quantiles of Student's t for small sample sizes (df 1-30).
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
        2.056, 2.052, 2.048, 2.045, 2.042]
# (report.json key, scale, column, decimals)
METRICS = [("test_accuracy", 100, "Test acc. (points)", 2), ("dormant", 1, "Dormant", 1),
           ("effective_experts", 1, "Effective experts", 2),
           ("expert_similarity", 1, "Expert similarity", 3)]


def interval(values, decimals):
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return f"{mean:+.{decimals}f}"
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    if sd == 0:
        return f"{mean:+.{decimals}f} (every seed)"
    half = T975[min(n - 1, len(T975)) - 1] * sd / math.sqrt(n)
    return f"{mean:+.{decimals}f} [{mean - half:+.{decimals}f}, {mean + half:+.{decimals}f}]"


def runs(folder):
    """{(arm, seed folder): run folder} of every finished run."""
    found = {}
    for arm in sorted(os.listdir(folder)):
        arm_dir = os.path.join(folder, arm)
        if not os.path.isdir(arm_dir):
            continue
        for seed in os.listdir(arm_dir):
            if os.path.exists(os.path.join(arm_dir, seed, "report.json")):
                found[(arm, seed)] = os.path.join(arm_dir, seed)
    return found


def read(path, name):
    with open(os.path.join(path, name), encoding="utf-8") as f:
        return f.read()


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: paired-ablations.py ABLATION_A ABLATION_B")
    for folder in sys.argv[1:]:
        if not os.path.isdir(folder):
            sys.exit(f"paired-ablations.py: {folder} is not a folder (an ablation's --out)")
    a, b = runs(sys.argv[1]), runs(sys.argv[2])
    shared = sorted(set(a) & set(b))
    if not shared:
        sys.exit("the two ablations have no arm and seed in common")
    print("| Arm | Pairs | " + " | ".join(m[2] for m in METRICS) + " | Same runs |")
    print("|---|---:|" + "---|" * len(METRICS) + "---:|")
    for arm in sorted({arm for arm, _ in shared}):
        pairs = [(a[key], b[key]) for key in shared if key[0] == arm]
        diffs = {m[0]: [] for m in METRICS}
        same = 0
        for run_a, run_b in pairs:
            ra, rb = json.loads(read(run_a, "report.json")), json.loads(read(run_b, "report.json"))
            same += read(run_a, "metrics.csv") == read(run_b, "metrics.csv")
            for key, scale, _, _ in METRICS:
                diffs[key].append(scale * (float(rb[key]) - float(ra[key])))
        cells = [interval(diffs[key], decimals) for key, _, _, decimals in METRICS]
        print(f"| {arm} | {len(pairs)} | " + " | ".join(cells) + f" | {same} |")


if __name__ == "__main__":
    main()
