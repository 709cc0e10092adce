"""What bench/scan_speed.py reports: the aims met or not, a table for the terminal, Markdown for the docs."""

from __future__ import annotations

from bench.label_speed import SHEET_AIM_S

# Issue 11: requests per second against hello-world by mix, and p99 at 16 connections, at every season size.
RATE_AIMS = {"uniform": 0.3, "skewed": 0.5, "steady": 0.7}
P99_AIM_MS = 50
WEIGHT_AIM = 60 * 1024
TITLES = {"uniform": "uniform over all batches", "skewed": "skewed: 80 % of scans on 1 % of codes",
          "steady": "steady state"}


def verdict(met: bool) -> str:
    return "met" if met else "missed"


def mix_title(run: dict) -> str:
    """Name a mix with its size."""
    if run["name"] == "steady":
        return f"steady state, {run['pages']:,} kept pages"
    if run["name"] == "skewed":
        return f"skewed: 80 % of scans on {run['hot_codes']:,} codes (1 %)"
    return TITLES.get(run["name"], run["name"])


def mix_aims(run: dict) -> tuple[bool, bool]:
    """Tell whether a mix meets its rate aim and the p99 aim."""
    return run["rate_ratio"] >= RATE_AIMS[run["name"]], run["load"]["p99_ms"] < P99_AIM_MS


def aims(result: dict) -> list[str]:
    """Say whether each aim is met in this run."""
    load_, sheet = result["load"], result["sheet"]
    lines = []
    for run in load_["mixes"].values():
        rate_met, p99_met = mix_aims(run)
        lines.append(f"Aim: {run['name']} at least {RATE_AIMS[run['name']]:.0%} of hello-world requests per second "
                     f"and p99 under {P99_AIM_MS} ms at {load_['connections']} connections: rate "
                     f"{verdict(rate_met)} ({run['rate_ratio']:.1%}), p99 {verdict(p99_met)} "
                     f"({run['load']['p99_ms']:.1f} ms)")
    worst = max(result["weight"].values(), key=lambda page: page["bytes"])
    external = sorted({url for page in result["weight"].values() for url in page["external_urls"]})
    lines += [
        f"Aim: scan page under {WEIGHT_AIM // 1024} KB without the QR image: {verdict(worst['bytes'] <= WEIGHT_AIM)} "
        f"(heaviest {worst['bytes'] / 1024:.1f} KB, {worst['lot']})",
        f"Aim: no external URL on the scan page: {verdict(not external)}"
        + (f" ({', '.join(external)})" if external else ""),
    ]
    if sheet:
        lines.append(f"Aim: a {sheet['labels']}-label A4 sheet within {SHEET_AIM_S:g} s: "
                     f"cold {verdict(sheet['cold_s'] <= SHEET_AIM_S)} ({sheet['cold_s']:.2f} s), "
                     f"warm {verdict(sheet['warm_s'] <= SHEET_AIM_S)} ({sheet['warm_s']:.2f} s)")
    return lines


def load_rows(load_: dict) -> list[tuple[str, dict, float | None]]:
    """Return (name, figures, ratio to hello-world) of every load of the run, in the order run."""
    rows: list[tuple[str, dict, float | None]] = [("hello-world (bench/hello.py), before", load_["hello_before"], None)]
    for run in load_["mixes"].values():
        if "first_visits" in run:
            first = run["first_visits"]
            rows.append((f"{run['name']}: first visit of each of {first['pages']:,} pages", first,
                         first["requests_per_s"] / load_["hello_requests_per_s"]))
        rows.append((mix_title(run), run["load"], run["rate_ratio"]))
    rows.append(("hello-world, after", load_["hello_after"], None))
    return rows


def table(result: dict) -> str:
    """Return the terminal table of a run."""
    load_, sheet = result["load"], result["sheet"]
    lines = [f"{result['batches']:,} batches on {result['backend']}; machine: {result['machine']}; gunicorn "
             f"{load_['gunicorn']}, {load_['tool']} at {load_['connections']} connections", "",
             f"{'load':46} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>6} "
             f"{'load avg':>8}"]
    for name, row, ratio in load_rows(load_):
        ratio_text = f"{ratio:.1%}" if ratio is not None else ""
        lines.append(f"{name:46} {row['requests_per_s']:>8.1f} {ratio_text:>6} {row['p50_ms']:>8.2f} "
                     f"{row['p99_ms']:>8.2f} {row['max_ms']:>8.2f} {row['errors']:>6} {row['load_before']:>8.2f}")
    lines += ["", f"{'scan page weight':34} {'lot':>16} {'bytes':>8} {'gzip':>7} {'external URLs':>13}"]
    for kind, page in result["weight"].items():
        lines.append(f"{kind + ' lot (heaviest of ' + str(page['pages_weighed']) + ')':34} {page['lot']:>16} "
                     f"{page['bytes']:>8,} {page['gzip_bytes']:>7,} {len(page['external_urls']):>13}")
    if sheet:
        lines += ["", f"{'label sheet (' + str(sheet['labels']) + ' labels, ' + str(sheet['sheets']) + ' A4)':34} "
                  f"{'cold s':>8} {'disk s':>8} {'warm s':>8} {'bytes':>10}",
                  f"{'/labels?format=sheet':34} {sheet['cold_s']:>8.2f} {sheet['disk_cache_s']:>8.2f} "
                  f"{sheet['warm_s']:>8.2f} {sheet['bytes']:>10,}"]
    return "\n".join([*lines, "", *aims(result)])


def markdown(result: dict) -> str:
    """Return Markdown lines ready to paste into docs/benchmarks.md."""
    load_, sheet = result["load"], result["sheet"]
    lines = [
        f"Measured with `{result['command']}` on {result['backend']}, {result['batches']:,} batches, "
        f"{result['machine']} ({result['date']}); gunicorn {load_['gunicorn']}, {load_['tool']} at "
        f"{load_['connections']} connections on the same machine, {load_['seconds']:g} s per load.",
        "",
        "| served by gunicorn | requests per second | vs hello-world | aim | p50 (ms) | p99 (ms) | load avg |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for name, row, ratio in load_rows(load_):
        aim = ""
        for run in load_["mixes"].values():
            if row is run["load"]:
                rate_met, p99_met = mix_aims(run)
                aim = (f"≥ {RATE_AIMS[run['name']]:.1f}×: {verdict(rate_met)}; "
                       f"p99 < {P99_AIM_MS} ms: {verdict(p99_met)}")
        lines.append(f"| {name} | {row['requests_per_s']:.0f} | {f'{ratio:.3f}×' if ratio is not None else ''} | "
                     f"{aim} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['load_before']:.1f} |")
    lines += ["", "| scan page | lot | HTML (KB) | gzipped (KB) | external URLs |", "|---|---|---:|---:|---:|"]
    for kind, page in result["weight"].items():
        lines.append(f"| {kind} lot | {page['lot']} | {page['bytes'] / 1024:.1f} | {page['gzip_bytes'] / 1024:.1f} | "
                     f"{len(page['external_urls'])} |")
    if sheet:
        lines += ["", f"A {sheet['labels']}-label A4 sheet ({sheet['sheets']} pages) renders in {sheet['cold_s']:.2f} "
                  f"s cold (fresh QR cache), {sheet['disk_cache_s']:.2f} s from the disk cache and "
                  f"{sheet['warm_s']:.2f} s warm."]
    return "\n".join([*lines, "", *(f"{aim}." for aim in aims(result))])
