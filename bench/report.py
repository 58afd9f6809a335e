"""Writes bench/results.md, bench/results.json and the plots from the figures the phases measured (bench/run.py)."""

import json
import pathlib
from typing import Any

from settings import DEFAULT_TUNED, TARGETS, TUNE_100_S, TUNE_CLOSED_S

NAMES = {"project": "this project", "default": "Rasa default pipeline"}


def _f(x: Any, digits: int = 1, unit: str = "") -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float):
        return f"{x:.{digits}f}{unit}"
    return f"{x}{unit}"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _get(d: dict | None, *keys, default=None):
    for key in keys:
        if not isinstance(d, dict) or key not in d:
            return default
        d = d[key]
    return d


def _rate_row(stacks: dict, name: str, rate: int) -> dict | None:
    for row in _get(stacks, name, "rates", default=[]):
        if row["offered_per_s"] == rate:
            return row
    return None


def _met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**missed**")


def _production_ratios(production: dict) -> dict[str, tuple[float, float]]:
    """Saturation of this project and of the default pipeline with the same number of servers behind nginx."""
    layouts = production.get("layouts", {})
    ratios = {}
    for servers in layouts.get("project", {}):
        ours = _get(layouts, "project", servers, "saturation", "throughput_per_s")
        theirs = _get(layouts, "default", servers, "saturation", "throughput_per_s")
        if ours and theirs:
            ratios[servers] = (ours, theirs)
    return ratios


def _cost_split(profile: dict) -> str:
    """Where this project's and the default pipeline's messages differ in CPU time (the profile phase), or ""."""
    ours, theirs = profile.get("this project"), profile.get("default pipeline")
    if not ours or not theirs:
        return ""

    def ms(entry: dict, fragment: str) -> float:
        return sum(row["ms_per_message"] for row in entry["breakdown"] if row["stage"].startswith(fragment))

    parts = {name: (ms(ours, name), ms(theirs, name)) for name in ("NLU", "policy")}
    whole = (ms(ours, "all profiled"), ms(theirs, "all profiled"))
    rest = tuple(w - parts["NLU"][i] - parts["policy"][i] for i, w in enumerate(whole))
    return (
        f"per message, profiled (section 5): NLU {parts['NLU'][0]:.1f} vs {parts['NLU'][1]:.1f} ms, policies "
        f"{parts['policy'][0]:.1f} vs {parts['policy'][1]:.1f} ms, everything else (stores, actions, channel, "
        f"HTTP) {rest[0]:.1f} vs {rest[1]:.1f} ms: the default pipeline's model costs little more than this "
        "project's, and what both share caps the ratio"
    )


def targets(r: dict) -> list[dict]:
    stacks, training, dev = r.get("stacks", {}), r.get("training", {}), r.get("dev_set", {})
    production = r.get("production") or {}
    rows = []
    tuned_project = {k: v for k, v in r.get("tuning", {}).items() if "saturation" in v and k != DEFAULT_TUNED}

    ratios = _production_ratios(production)
    best = max((ours / theirs for ours, theirs in ratios.values()), default=None)
    rows.append(
        {
            "target": f"production layout: saturation >= {TARGETS['production_ratio']:.0f}x the default pipeline's "
            "in the same layout",
            "measured": "; ".join(
                f"{n} server(s): {ours}/s vs {theirs}/s: {ours / theirs:.2f}x" for n, (ours, theirs) in ratios.items()
            )
            or "not measured (section 7)",
            "met": None if best is None else best >= TARGETS["production_ratio"],
            "reason": ""
            if best is None or best >= TARGETS["production_ratio"]
            else _cost_split(r.get("profile", {})) or "see sections 5 and 7",
        }
    )
    at_100 = {n: v["at_100"] for n, v in production.get("layouts", {}).get("project", {}).items() if "at_100" in v}
    ok_100 = [
        n
        for n, v in at_100.items()
        if v["p95_ms"] is not None and v["p95_ms"] <= TARGETS["p95_at_100_ms"] and v["errors"] == 0
    ]
    rows.append(
        {
            "target": f"production layout: p95 <= {TARGETS['p95_at_100_ms']:.0f} ms at 100 messages/s offered, "
            "0 errors",
            "measured": "; ".join(
                f"{n} server(s): {_f(v['p95_ms'])} ms, {v['errors']} errors" for n, v in at_100.items()
            )
            or "not measured (section 7)",
            "met": None if not at_100 else bool(ok_100),
            "reason": ""
            if ok_100 or not at_100
            else "100/s is above the layout's saturation throughput on this machine (section 7): messages queue",
        }
    )
    sat = {n: _get(stacks, n, "saturation", "throughput_per_s") for n in NAMES}
    ratio = sat["project"] / sat["default"] if sat["project"] and sat["default"] else None
    rows.append(
        {
            "target": f"one process on SQLite: saturation >= {TARGETS['embedded_ratio']}x the default pipeline's",
            "measured": f"{_f(sat['project'])}/s vs {_f(sat['default'])}/s: {_f(ratio, 2)}x",
            "met": None if ratio is None else ratio >= TARGETS["embedded_ratio"],
            "reason": ""
            if ratio is None or ratio >= TARGETS["embedded_ratio"]
            else _cost_split(r.get("profile", {})) or "see section 5",
        }
    )
    if dev.get("project") and dev.get("default"):
        parts, ok, worse = [], True, []
        for lang in sorted(dev["project"]["by_language"]):
            a = dev["project"]["by_language"][lang]["accuracy"]
            b = _get(dev["default"], "by_language", lang, "accuracy")
            parts.append(f"{lang} {a:.3f} vs {_f(b, 3)}")
            if b is not None and a < b:
                ok = False
                worse.append(lang)
        rows.append(
            {
                "target": "dev-set accuracy >= the default pipeline's, per language",
                "measured": "; ".join(parts),
                "met": ok,
                "reason": "" if ok else f"lower in {', '.join(worse)} (see section 1)",
            }
        )
    t = _get(training, "project", "wall_s")
    rows.append(
        {
            "target": f"training from scratch <= {TARGETS['train_s'] / 60:.0f} min",
            "measured": f"{_f(t)} s (default pipeline: {_f(_get(training, 'default', 'wall_s'))} s)",
            "met": None if t is None else t <= TARGETS["train_s"],
            "reason": "",
        }
    )
    s = _get(stacks, "project", "start_s")
    rows.append(
        {
            "target": f"server start to first answer <= {TARGETS['start_s']:.0f} s",
            "measured": f"{_f(s)} s (default pipeline: {_f(_get(stacks, 'default', 'start_s'))} s)",
            "met": None if s is None else s <= TARGETS["start_s"],
            "reason": "",
        }
    )
    rest = _get(stacks, "project", "rss_at_rest_mb", "rasa")
    peak = _get(stacks, "project", "peak_rss_under_load_mb", "rasa")
    workers = [(k, v) for k, v in tuned_project.items() if "workers" in k]
    workers_text = "".join(
        f"; {k}: {v['rss_at_rest_mb']['rasa']} MB at rest (PSS "
        f"{v['rss_at_rest_mb'].get('rasa_pss', 'n/a')} MB), "
        f"{max(v['at_100']['peak_rss_mb']['rasa'], v['saturation']['peak_rss_mb']['rasa'])} MB peak, "
        f"summed over {v['rss_at_rest_mb'].get('rasa_processes', 'its')} processes"
        for k, v in workers
    )
    rows.append(
        {
            "target": f"Rasa server RSS <= {TARGETS['rss_mb'] / 1000:.1f} GB",
            "measured": f"{_f(rest)} MB at rest, {_f(peak)} MB peak under load (default pipeline: "
            f"{_f(_get(stacks, 'default', 'rss_at_rest_mb', 'rasa'))} / "
            f"{_f(_get(stacks, 'default', 'peak_rss_under_load_mb', 'rasa'))} MB){workers_text}",
            "met": None if peak is None else max(rest, peak) <= TARGETS["rss_mb"],
            "reason": "",
        }
    )
    return rows


def plot_latency(r: dict, out: pathlib.Path) -> str | None:
    stacks = r.get("stacks")
    if not stacks:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=120)
    colours = {"project": "tab:blue", "default": "tab:orange"}
    for name, stack in stacks.items():
        rows = stack.get("rates", [])
        xs = [row["offered_per_s"] for row in rows]
        for q, style in (("p50_ms", "-"), ("p95_ms", "--")):
            ax.plot(
                xs,
                [row[q] for row in rows],
                style,
                marker="o",
                color=colours.get(name),
                label=f"{NAMES.get(name, name)} {q[:3]}",
            )
        for row in rows:
            if row["errors"]:
                ax.annotate(
                    f"{max(1, round(100 * row['error_rate']))}% err",
                    (row["offered_per_s"], row["p95_ms"] or 1),
                    textcoords="offset points",
                    xytext=(4, 6),
                    fontsize=7,
                    color=colours.get(name),
                )
    ax.axhline(150, color="grey", linewidth=0.8, linestyle=":")
    ax.text(9, 160, "target p95 150 ms", fontsize=7, color="grey")
    ax.set_yscale("log")
    ax.set_xlabel("offered load (messages/s, open loop)")
    ax.set_ylabel("latency of answered messages (ms, log scale)")
    ax.set_title("REST latency against offered load")
    ax.grid(True, which="both", linewidth=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "latency.png")
    plt.close(fig)
    return "latency.png"


def plot_conversation_length(r: dict, out: pathlib.Path) -> str | None:
    stacks = r.get("stacks")
    if not stacks or not all("long" in s for s in stacks.values()):
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 3.5), dpi=120)
    for name, stack in stacks.items():
        medians = stack["long"]["median_ms_by_position"]
        ax.plot(range(1, len(medians) + 1), medians, marker=".", label=NAMES.get(name, name))
    ax.set_xlabel("message number in one conversation")
    ax.set_ylabel("latency (ms, median of conversations)")
    ax.set_title("Latency as a conversation grows (no other load)")
    ax.grid(True, linewidth=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "conversation-length.png")
    plt.close(fig)
    return "conversation-length.png"


def _dev_rows(dev: dict) -> list[str]:
    p, d = dev.get("project"), dev.get("default")
    names = [n for n in ("project", "default") if dev.get(n)]
    lines = ["| | " + " | ".join(NAMES[n] for n in names) + " |", "|---|" + "---|" * len(names)]

    def row(label, fn):
        lines.append(f"| {label} | " + " | ".join(fn(dev[n]) for n in names) + " |")

    row("messages", lambda s: str(s["n"]))
    row("accuracy (all)", lambda s: f"{s['accuracy']:.3f}")
    row("macro-F1 (all)", lambda s: f"{s['macro_f1']:.3f}")
    for lang in sorted((p or d)["by_language"]):
        row(
            f"accuracy {lang} (n={(p or d)['by_language'][lang]['n']})",
            lambda s: _f(_get(s, "by_language", lang, "accuracy"), 3),
        )
        row(f"macro-F1 {lang}", lambda s: _f(_get(s, "by_language", lang, "macro_f1"), 3))
    row("safety-topic recall", lambda s: f"{s['safety_recall']:.3f} ({s['safety_missed']} missed)")
    row("safety false alarms (non-safety messages read as a safety topic)", lambda s: str(s["safety_false_alarms"]))
    row("out-of-scope recall", lambda s: f"{s['out_of_scope_recall']:.3f}")
    row("answered `nlu_fallback` (no topic; counted as wrong)", lambda s: str(s["predicted_nlu_fallback"]))
    if any(dev[n].get("with_fallback_as_out_of_scope") for n in names):

        def remapped(s, key, lang=None):
            m = s.get("with_fallback_as_out_of_scope")
            if not m:
                return "(same)"
            return f"{(m['by_language'][lang] if lang else m)[key]:.3f}"

        row("*if `nlu_fallback` counted as out_of_scope:* accuracy", lambda s: remapped(s, "accuracy"))
        for lang in sorted((p or d)["by_language"]):
            row(f"*... accuracy {lang}*", lambda s: remapped(s, "accuracy", lang))
        row("*... out-of-scope recall*", lambda s: remapped(s, "out_of_scope_recall"))
    return lines


def _phases_run(r: dict) -> str:
    """Which phase's figures come from when: a run of some phases keeps the others' from the previous run."""
    return (
        "; ".join(
            f"{name} {p['finished_at']}{' (--quick)' if p.get('quick') else ''}"
            for name, p in r.get("phases_run", {}).items()
        )
        or "n/a"
    )


def markdown(r: dict, plots: dict[str, str | None]) -> str:
    m = r["machine"]
    stacks, training, dev = r.get("stacks", {}), r.get("training", {}), r.get("dev_set", {})
    s = r["settings"]
    L: list[str] = ["# Benchmark results", ""]
    if r.get("quick"):
        L += [
            "> **Quick run (`--quick`): load phases of a few seconds, to check the harness. Not for comparison.**",
            "",
        ]
    L += [
        f"Produced by `{r.get('command', 'python bench/run.py')}` (what `make bench` runs after training `models/`; "
        f"bench/README.md explains each figure). Run {r['started_at']} to {r['finished_at']} "
        f"({r['total_minutes']} min).",
        "",
        "| machine | |",
        "|---|---|",
        f"| CPUs | {m['cpus']} ({m['cpu_model']}) |",
        f"| memory | {m['memory_gb']} GB |",
        f"| OS | {m['os']} |",
        f"| Python / Rasa / rasa-sdk | {m['python']} / {m['rasa']} / {m['rasa_sdk']} |",
        f"| scikit-learn / TensorFlow | {m['scikit_learn']} / {m['tensorflow']} |",
        f"| project commit | {m['git_commit']} |",
        f"| data | snapshot taken {r.get('snapshot', {}).get('taken_at', '?')}; same as the working tree at the end: "
        f"{'yes' if r.get('snapshot', {}).get('same_as_working_tree') else 'no'}; "
        f"{r.get('data', {}).get('full', '?')} training examples "
        f"(half-data runs: {r.get('data', {}).get('half', '?')}) |",
        f"| load average (1/5/15 min) | start {r['loadavg_start']}, end {r['loadavg_end']} (the end includes the "
        f"benchmark's own last phase) |",
        f"| phases (when each last ran) | {_phases_run(r)} |",
        "",
        "The load average counts everything on the machine, including other jobs running at the same time. "
        "The load tables give, per phase, the CPU the Rasa server used (`server cores`: CPU seconds per second, "
        "1.0 = one core busy) and how long its threads were ready to run but waiting for a CPU (`CPU wait`: "
        "seconds per second, from /proc schedstat), which shows how much contention for the 2 cores (other "
        "jobs, the load generator, the action server, and the server's own threads, e.g. TensorFlow's thread "
        "pools or a second Sanic worker) affected a figure.",
        "",
        "## Targets",
        "",
        "| target | measured | result | measured reason when missed |",
        "|---|---|---|---|",
    ]
    for t in targets(r):
        L.append(f"| {t['target']} | {t['measured']} | {_met(t['met'])} | {t['reason']} |")

    if dev:
        L += [
            "",
            "## 1. Understanding: dev set (`evaluation/dev-set.yml`)",
            "",
            "Both pipelines trained on the same copy of `data/` and `domain.yml`; every dev-set message parsed by "
            "the trained model in process (`safe_harbour.evaluation.report`). The default pipeline's "
            "FallbackClassifier (threshold 0.3) answers `nlu_fallback`, which is no topic: reported as is "
            "(wrong), with the out_of_scope reading below for comparison only.",
            "",
        ]
        L += _dev_rows(dev)

    if stacks:
        L += [
            "",
            "## 2. Latency and throughput through the REST channel",
            "",
            f"Open loop: Poisson arrivals at each offered rate for {s['open_loop_s']} s, from about 5 x rate "
            f"simultaneous multi-turn conversations (English, Arabic, Arabizi; bench/load.py), client timeout "
            f"{s['client_timeout_s']:.0f} s, at most {s['max_in_flight']} requests in flight (an arrival beyond "
            "that is an error). Latency is from the scheduled arrival to the full answer, for answered "
            "messages; errors are timeouts, refusals and non-200 answers. Above a server's capacity the "
            "percentiles describe only the messages that were answered, so read them with the error column. "
            "Whole stack: Rasa server (one Sanic "
            "worker, SQLite tracker store, the project's channels) and action server, both on loopback; the "
            "load generator runs on the same machine.",
            "",
        ]
        if plots.get("latency"):
            L += [f"![latency against offered load]({plots['latency']})", ""]
        L += [
            "| offered /s | pipeline | answered /s | p50 ms | p95 ms | p99 ms | errors | server cores | CPU wait |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for rate in s["rates_per_s"]:
            for name in stacks:
                row = _rate_row(stacks, name, rate)
                if row:
                    L.append(
                        f"| {rate} | {NAMES[name]} | {row['throughput_per_s']} | {_f(row['p50_ms'])} | "
                        f"{_f(row['p95_ms'])} | {_f(row['p99_ms'])} | {row['errors']} ({_pct(row['error_rate'])}) | "
                        f"{row['server_cores']['rasa']} | {_f(row.get('server_cpu_wait_share'), 2)} |"
                    )
        L += [
            "",
            f"Saturation (closed loop: {s['closed_loop']['conversations']} conversations, each sending its "
            f"next message as soon as the answer arrives, {s['closed_loop']['seconds']} s):",
            "",
            "| pipeline | throughput /s | p50 ms | p95 ms | p99 ms | errors | server cores | CPU wait |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name, stack in stacks.items():
            row = stack.get("saturation")
            if row:
                L.append(
                    f"| {NAMES[name]} | **{row['throughput_per_s']}** | {_f(row['p50_ms'])} | {_f(row['p95_ms'])} | "
                    f"{_f(row['p99_ms'])} | {row['errors']} | {row['server_cores']['rasa']} | "
                    f"{_f(row.get('server_cpu_wait_share'), 2)} |"
                )

    L += ["", "## 3. Cost", "", "| | " + " | ".join(NAMES.values()) + " |", "|---|---|---|"]

    def cost(label, fn):
        L.append(f"| {label} | " + " | ".join(fn(n) for n in NAMES) + " |")

    def train_cell(n, key, unit=""):
        t = training.get(n)
        if not t:
            return "n/a"
        note = f" (cached: trained {t['trained_at']})" if t.get("cached") and key == "wall_s" else ""
        return f"{_f(t.get(key), 1)}{unit}{note}"

    cost(
        "training from scratch, wall time (load average after training)",
        lambda n: f"{train_cell(n, 'wall_s', ' s')} ({_get(training, n, 'loadavg_after', default='n/a')})",
    )
    cost("training CPU time (user + system)", lambda n: train_cell(n, "cpu_s", " s"))
    cost("training peak memory (RSS)", lambda n: train_cell(n, "peak_rss_mb", " MB"))
    cost("model size (tar.gz)", lambda n: train_cell(n, "model_mb", " MB"))
    cost("server start to first answer", lambda n: _f(_get(stacks, n, "start_s"), 1, " s"))
    cost("Rasa server RSS at rest", lambda n: _f(_get(stacks, n, "rss_at_rest_mb", "rasa"), 0, " MB"))
    cost("Rasa server RSS, peak under load", lambda n: _f(_get(stacks, n, "peak_rss_under_load_mb", "rasa"), 0, " MB"))
    cost(
        "action server RSS, peak under load",
        lambda n: _f(_get(stacks, n, "peak_rss_under_load_mb", "actions"), 0, " MB"),
    )

    growth = r.get("growth", {})
    if growth or training.get("project-half"):
        L += [
            "",
            "## 4. Growth",
            "",
            "### Training data doubling (half of every intent's examples, then all)",
            "",
            "| | " + " | ".join(f"{NAMES[n]}: half / full" for n in NAMES) + " |",
            "|---|---|---|",
        ]

        def pair(fn):
            return " | ".join(f"{fn(n + '-half')} / {fn(n)}" for n in NAMES)

        L.append(
            "| training examples | "
            + " | ".join(f"{r.get('data', {}).get('half')} / {r.get('data', {}).get('full')}" for _ in NAMES)
            + " |"
        )
        L.append(f"| training wall time (s) | {pair(lambda k: _f(_get(training, k, 'wall_s')))} |")
        L.append(f"| training CPU time (s) | {pair(lambda k: _f(_get(training, k, 'cpu_s')))} |")
        L.append(f"| training peak RSS (MB) | {pair(lambda k: _f(_get(training, k, 'peak_rss_mb')))} |")
        L.append(f"| model size (MB) | {pair(lambda k: _f(_get(training, k, 'model_mb')))} |")
        L.append(f"| dev-set accuracy | {pair(lambda k: _f(_get(dev, k, 'accuracy'), 3))} |")

        def at25(k, q):
            if k.endswith("-half"):
                return _f(_get(growth, k, "at_growth_rate", q))
            row = _rate_row(stacks, k, 25)
            return _f(row[q]) if row else "n/a"

        L.append(f"| p50 at 25 msg/s (ms) | {pair(lambda k: at25(k, 'p50_ms'))} |")
        L.append(f"| p95 at 25 msg/s (ms) | {pair(lambda k: at25(k, 'p95_ms'))} |")
        L.append(
            "| server start (s) | "
            f"{pair(lambda k: _f(_get(growth, k, 'start_s') if k.endswith('-half') else _get(stacks, k, 'start_s')))} |"
        )
    if stacks and all("long" in st for st in stacks.values()):
        L += [
            "",
            "### Long conversations",
            "",
            f"One conversation of 50 messages at a time, no other load, SQLite tracker store as configured "
            f"(median over {next(iter(stacks.values()))['long']['repeats']} conversations).",
            "",
        ]
        if plots.get("conversation_length"):
            L += [f"![latency by message number]({plots['conversation_length']})", ""]
        L += [
            "| pipeline | message 1 (ms) | message 50 (ms) | median of messages 1-5 | median of messages 46-50 |",
            "|---|---|---|---|---|",
        ]
        for name, st in stacks.items():
            lg = st["long"]
            L.append(
                f"| {NAMES[name]} | {_f(lg['message1_ms'])} | {_f(lg['message50_ms'])} | "
                f"{_f(lg['first5_median_ms'])} | {_f(lg['last5_median_ms'])} |"
            )

    prof = r.get("profile")
    if prof or r.get("tuning"):
        L += ["", "## 5. Making it fast", ""]
    if prof:
        L += [
            "### Where the time goes (cProfile of the Rasa server under load)",
            "",
            "Closed loop of 20 conversations; milliseconds of the server's main thread per answered message "
            "(wall-clock time while each function runs, so waiting for the disk counts; the profiler itself "
            "slows Python down, so compare stages with each other rather than with the latencies above). "
            "The whole message contains the other stages, and some stages nest (running actions includes "
            "rendering responses), so they do not add up exactly. Columns: this project and the default pipeline, as "
            "configured (both with safe_harbour/rasa_patches.py, which the project's channels install).",
            "",
            "| stage | " + " | ".join(f"{k}: ms/msg (share)" for k in prof) + " |",
            "|---|" + "---|" * len(prof),
        ]
        stages = [row["stage"] for row in next(iter(prof.values()))["breakdown"]]
        for stage in stages:
            cells = []
            for v in prof.values():
                row = next((x for x in v["breakdown"] if x["stage"] == stage), None)
                cells.append(f"{row['ms_per_message']} ({_pct(row['share_of_profiled'])})" if row else "n/a")
            L.append(f"| {stage} | " + " | ".join(cells) + " |")
        L.append(
            "| throughput while profiled (/s) | "
            + " | ".join(str(v["load"]["throughput_per_s"]) for v in prof.values())
            + " |"
        )
        L.append(
            "| server cores / CPU wait while profiled | "
            + " | ".join(
                f"{v['load']['server_cores']['rasa']} / {_f(v['load'].get('server_cpu_wait_share'), 2)}"
                for v in prof.values()
            )
            + " |"
        )
    tuning = r.get("tuning")
    if tuning:
        L += [
            "",
            "### Variants (before / after)",
            "",
            f"Each variant started fresh; open loop at 100 messages/s for {tuning_seconds(r)[0]} s, then the "
            f"closed loop of {s['closed_loop']['conversations']} conversations for {tuning_seconds(r)[1]} s.",
            "",
            "| variant | start s | RSS at rest MB | 100/s: p50 | p95 | p99 ms | errors | saturation /s | server cores "
            "| CPU wait |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for label, v in tuning.items():
            if "failed" in v:
                L.append(f"| {label} | failed: {v['failed']} | | | | | | | | |")
                continue
            a, c = v["at_100"], v["saturation"]
            L.append(
                f"| {label} | {v['start_s']} | {v['rss_at_rest_mb']['rasa']} | {_f(a['p50_ms'])} | "
                f"{_f(a['p95_ms'])} | {_f(a['p99_ms'])} | {a['errors']} | **{c['throughput_per_s']}** | "
                f"{c['server_cores']['rasa']} | {_f(c.get('server_cpu_wait_share'), 2)} |"
            )
    L += _store_section(r.get("tracker_store"))
    L += _production_section(r.get("production"), r.get("phases_run", {}).get("production", {}))
    if r.get("failed_phases"):
        L += ["", "## Failed phases", ""] + [f"- {k}: `{v}`" for k, v in r["failed_phases"].items()]
    L += [
        "",
        "## Notes",
        "",
        "- The per-IP and per-conversation rate limits are switched off for the benchmark "
        "(`RATE_LIMIT_IP_PER_MINUTE=0`, `RATE_LIMIT_SENDER_PER_MINUTE=0`): all load comes from one loopback "
        "address.",
        "- The default pipeline is served with the project's channels, endpoints and action server; only the "
        "model differs. It has no LanguagePolicy, so it answers in English whatever the language.",
        "- Models served by the benchmark are linked into `models/bench/` while a server runs (the server only "
        "loads models from `models/`), and removed afterwards.",
        *_epochs_notes(r.get("phases_run", {})),
        "",
    ]
    return "\n".join(L)


STORE_ROWS = [
    (
        "SQL statements: retrieve / save",
        lambda m: f"{_f(m.get('retrieve_statements'), 0)} / {_f(m.get('save_statements'), 0)}",
    ),
    ("commits", lambda m: _f(m.get("save_commits", 0) + m.get("retrieve_commits", 0), 0)),
    ("time in SQL statements (ms)", lambda m: _f(m.get("retrieve_sql_ms", 0) + m.get("save_sql_ms", 0), 2)),
    ("retrieve, whole (ms)", lambda m: _f(m.get("retrieve_ms"), 1)),
    ("save, whole, incl. commit (ms)", lambda m: _f(m.get("save_ms"), 1)),
    ("whole message (ms)", lambda m: _f(m.get("message_ms"), 1)),
]


def _per_cpu_second(phase: dict) -> str:
    """Answers per CPU second the Rasa server had: comparable when other jobs leave it a varying share."""
    cores = phase["server_cores"]["rasa"]
    return _f(phase["throughput_per_s"] / cores, 1) if cores else "n/a"


def _store_section(store: dict | None) -> list[str]:
    """Section 6: what a message costs in the tracker store, Rasa's SQLTrackerStore against the project's."""
    if not store:
        return []
    L = [
        "",
        "## 6. Saving and loading the conversation (tracker store)",
        "",
        "In process: this project's model in a Rasa Agent with the action server, conversations of 50 messages "
        "(English and Arabic, one message at a time), each store on a fresh database; SQL statements and commits "
        "counted by SQLAlchemy's engine events, retrieve and save timed whole (Python, SQL, commit). Median "
        "over the conversations at message 1 and at message 50. Rasa's SQLTrackerStore as endpoints.yml "
        "configured it before; the project's is `safe_harbour/stores/tracker_store.py`.",
        "",
    ]
    for database, stores in store.get("in_process", {}).items():
        labels = list(stores)
        L += [
            f"**{database}**",
            "",
            "| per message | " + " | ".join(f"{label}: message {n}" for n in (1, 50) for label in labels) + " |",
            "|---|" + "---|" * (2 * len(labels)),
        ]
        for row_label, cell in STORE_ROWS:
            L.append(
                f"| {row_label} | "
                + " | ".join(cell(stores[label][f"message_{n}"]) for n in (1, 50) for label in labels)
                + " |"
            )
        L.append("")
    served = store.get("served", {})
    if served:
        L += [
            "Served (the Rasa server with each store, same run): closed loop of 50 conversations, and one "
            "conversation of 50 messages at a time with no other load from the benchmark. On a machine shared "
            "with other jobs (CPU wait well above 0) read the answers per server CPU second rather than the "
            "answers per second.",
            "",
            "| database | store | saturation /s | p50 ms | p95 ms | errors | server cores | CPU wait | answers per "
            "server CPU second | message 1 ms | message 50 ms |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for database, stores in served.items():
            for label, v in stores.items():
                sat, long_ = v["saturation"], v["long"]
                L.append(
                    f"| {database} | {label} | **{sat['throughput_per_s']}** | {_f(sat['p50_ms'])} | "
                    f"{_f(sat['p95_ms'])} | {sat['errors']} | {sat['server_cores']['rasa']} | "
                    f"{_f(sat.get('server_cpu_wait_share'), 2)} | {_per_cpu_second(sat)} | "
                    f"{_f(long_['message1_ms'])} | "
                    f"{_f(long_['message50_ms'])} |"
                )
    return L


def _production_section(production: dict | None, phase_run: dict) -> list[str]:
    """Section 7: how the cost grows with 1, 2 and 3 Rasa servers behind nginx (the production layout)."""
    if not production:
        return []
    L = ["", "## 7. Production layout (1, 2, 3 Rasa servers behind nginx)", ""]
    if production.get("skipped"):
        return L + [f"Not measured: {production['skipped']}."]
    quick_note = (
        " with `--quick` (a few seconds per load: checks the harness, not for comparison)"
        if phase_run.get("quick")
        else ""
    )
    L += [
        "The layout `make up` starts with `SAFE_HARBOUR_LAYOUT=production`, started by the same launcher "
        "(safe_harbour.launcher): nginx in front of N Rasa servers and the action server, conversations and cases "
        "in PostgreSQL (a fresh database per layout), turn locks and socket.io rooms in Redis, "
        "`endpoints.production.yml`. Through nginx: closed loop of 50 conversations (saturation), then one "
        "conversation of 50 messages at a time with no other load from the benchmark (message 1 and 50), then "
        "an open loop at 100 messages/s offered (Poisson arrivals, client timeout 10 s). "
        "Server cores and memory are all the Rasa servers together; CPU wait is per Rasa server.",
        "",
        f"Measured {phase_run.get('finished_at', '?')}{quick_note}, on the machine above, shared with other jobs: "
        "the load average before each start is in the table. The servers share the machine's CPUs, so more "
        "servers can only help while fewer leave a core idle.",
        "",
        "| pipeline | Rasa servers | load average before start | start s | RSS at rest MB (PSS) | saturation /s | "
        "vs 1 server | p50 ms | p95 ms | errors | Rasa cores | nginx cores | CPU wait | message 1 ms | "
        "message 50 ms | at 100/s: p95 ms | at 100/s: errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for pipeline, layouts in production.get("layouts", {}).items():
        one = _get(layouts, "1", "saturation", "throughput_per_s")
        for servers, v in layouts.items():
            if "failed" in v:
                L.append(f"| {pipeline} | {servers} | failed: {v['failed'].splitlines()[0]} |" + " |" * 14)
                continue
            sat, long_ = v["saturation"], v["long"]
            ratio = f"{sat['throughput_per_s'] / one:.2f}x" if one else "n/a"
            L.append(
                f"| {pipeline} | {servers} | {v['loadavg_before_start']} | {v['start_s']} | "
                f"{v['rss_at_rest_mb']['rasa']} ({v['rss_at_rest_mb']['rasa_pss']}) | "
                f"**{sat['throughput_per_s']}** | {ratio} | {_f(sat['p50_ms'])} | {_f(sat['p95_ms'])} | "
                f"{sat['errors']} | {sat['server_cores']['rasa']} | {sat['server_cores'].get('nginx', 'n/a')} | "
                f"{_f(sat.get('server_cpu_wait_share'), 2)} | {_f(long_['message1_ms'])} | "
                f"{_f(long_['message50_ms'])} | {_f(_get(v, 'at_100', 'p95_ms'))} | "
                f"{_get(v, 'at_100', 'errors', default='n/a')} |"
            )
    if "default" not in production.get("layouts", {}):
        L += [
            "",
            "The default pipeline is not in the table: its model had not been trained on this data (only the cost "
            "and growth phases train it, tens of minutes), so the 3x target of issue 13 is not measured here.",
        ]
    return L


def _epochs_notes(phases_run: dict) -> list[str]:
    """A note for each phase whose default pipeline was trained for fewer epochs than Rasa's 100."""
    return [
        f"- Phase `{name}` ({run['finished_at']}) served a default pipeline trained for {run['default_epochs']} "
        "epochs instead of Rasa's 100 (`bench/run.py --default-epochs`): the same components and model size, so the "
        "same work per model call; it may understand some messages differently, which can change which actions "
        "run. Its throughput and latency stand for Rasa's default pipeline; its understanding and training time "
        "do not."
        for name, run in phases_run.items()
        if run.get("default_epochs", 100) != 100
    ]


def tuning_seconds(r: dict):
    quick = r.get("phases_run", {}).get("variants", {}).get("quick", r.get("quick"))
    return (4, 4) if quick else (TUNE_100_S, TUNE_CLOSED_S)


def write(results: dict, out: pathlib.Path) -> None:
    plots = {"latency": plot_latency(results, out), "conversation_length": plot_conversation_length(results, out)}
    results["plots"] = plots
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "results.md").write_text(markdown(results, plots), encoding="utf-8")
