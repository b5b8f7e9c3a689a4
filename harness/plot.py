"""The latency plot: spawn-to-init per firmware and engine, medians with their spread."""

import matplotlib

matplotlib.use("Agg")   # no display: write PNG files only
import matplotlib.pyplot as plt  # noqa: E402


def latency_png(doc, path, figure="spawn_to_init_ms"):
    """One bar per engine/firmware/format: the median over its cases, whiskers min..max."""
    groups = {}
    for rec in doc["cases"]:
        f = rec.get("figures", {}).get(figure)
        if rec["result"] != "pass" or not f:
            continue
        key = f"{rec['engine']}\n{rec['firmware']}\n{rec['form']}{rec.get('handoff') or ''}"
        groups.setdefault(key, []).append(f)
    if not groups:
        return False
    keys = sorted(groups)
    med = [sorted(x["median"] for x in groups[k])[len(groups[k]) // 2] for k in keys]
    lo = [m - min(x["min"] for x in groups[k]) for m, k in zip(med, keys)]
    hi = [max(x["max"] for x in groups[k]) - m for m, k in zip(med, keys)]
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(keys)), 4.5))
    ax.bar(range(len(keys)), med, yerr=[lo, hi], capsize=4, color="#4a7ab5")
    ax.set_xticks(range(len(keys)))
    ax.set_xticklabels(keys, fontsize=7)
    ax.set_ylabel(f"{figure} (median over toggle sets; whiskers: min..max)")
    ax.set_title("microrig: spawn to Linux init, per engine / firmware / format")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True
