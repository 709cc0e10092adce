"""What bench/scan_speed.py reports: the aims met or not, a table for the terminal, Markdown for the docs."""

from __future__ import annotations

from bench.label_speed import SHEET_AIM_S

RATE_AIM = 0.5
P99_AIM_MS = 50
WEIGHT_AIM = 60 * 1024


def verdict(met: bool) -> str:
    return "met" if met else "missed"


def aims(result: dict) -> list[str]:
    """Say whether each aim of issue 5 is met in this run."""
    load_, sheet = result["load"], result["sheet"]
    worst = max(result["weight"].values(), key=lambda page: page["bytes"])
    external = sorted({url for page in result["weight"].values() for url in page["external_urls"]})
    return [
        f"Aim: scan page (steady state) at least {RATE_AIM:.0%} of hello-world requests per second: "
        f"{verdict(load_['rate_ratio'] >= RATE_AIM)} ({load_['rate_ratio']:.0%})",
        f"Aim: scan page (steady state) p99 under {P99_AIM_MS} ms at {load_['connections']} connections: "
        f"{verdict(load_['scan']['p99_ms'] < P99_AIM_MS)} ({load_['scan']['p99_ms']:.1f} ms)",
        f"Aim: scan page under {WEIGHT_AIM // 1024} KB without the QR image: {verdict(worst['bytes'] <= WEIGHT_AIM)} "
        f"(heaviest {worst['bytes'] / 1024:.1f} KB, {worst['lot']})",
        f"Aim: no external URL on the scan page: {verdict(not external)}"
        + (f" ({', '.join(external)})" if external else ""),
        f"Aim: a {sheet['labels']}-label A4 sheet within {SHEET_AIM_S:g} s: "
        f"cold {verdict(sheet['cold_s'] <= SHEET_AIM_S)} "
        f"({sheet['cold_s']:.2f} s), warm {verdict(sheet['warm_s'] <= SHEET_AIM_S)} ({sheet['warm_s']:.2f} s)",
    ]


def table(result: dict) -> str:
    """Return the terminal table of a run."""
    load_, sheet = result["load"], result["sheet"]
    lines = [f"{result['batches']:,} batches on {result['backend']}; machine: {result['machine']}; gunicorn "
             f"{load_['gunicorn']}, {load_['tool']} at {load_['connections']} connections", "",
             f"{'load':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>6} {'bytes':>7}"]
    rows = [("hello-world (bench/hello.py)", load_["hello"]),
            (f"scan page, {load_['tokens']:,} first visits", load_.get("first_visits")),
            (f"scan page /t/<token> ({load_['tokens']:,} batches)", load_["scan"])]
    for name, row in rows:
        if row is None:
            continue
        lines.append(f"{name:34} {row['requests_per_s']:>8.1f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
                     f"{row['max_ms']:>8.2f} {row['errors']:>6} {row.get('bytes_per_request', ''):>7}")
    lines.append(f"{'scan page / hello-world':34} {load_['rate_ratio']:>7.1%}")
    lines += ["", f"{'scan page weight':34} {'lot':>16} {'bytes':>8} {'gzip':>7} {'external URLs':>13}"]
    for kind, page in result["weight"].items():
        lines.append(f"{kind + ' lot (heaviest of ' + str(page['pages_weighed']) + ')':34} {page['lot']:>16} "
                     f"{page['bytes']:>8,} {page['gzip_bytes']:>7,} {len(page['external_urls']):>13}")
    lines += ["", f"{'label sheet (' + str(sheet['labels']) + ' labels, ' + str(sheet['sheets']) + ' A4)':34} "
              f"{'cold s':>8} {'disk s':>8} {'warm s':>8} {'bytes':>10}",
              f"{'/labels?format=sheet':34} {sheet['cold_s']:>8.2f} {sheet['disk_cache_s']:>8.2f} "
              f"{sheet['warm_s']:>8.2f} {sheet['bytes']:>10,}", "", *aims(result)]
    return "\n".join(lines)


def markdown(result: dict) -> str:
    """Return Markdown lines ready to paste into docs/benchmarks.md."""
    load_, sheet = result["load"], result["sheet"]
    lines = [
        f"Measured with `{result['command']}` on {result['backend']}, {result['batches']:,} batches, "
        f"{result['machine']} ({result['date']}); gunicorn {load_['gunicorn']}, {load_['tool']} at "
        f"{load_['connections']} connections on the same machine.",
        "",
        "| served by gunicorn | requests per second | p50 (ms) | p99 (ms) |",
        "|---|---:|---:|---:|",
        f"| Flask hello-world | {load_['hello']['requests_per_s']:.0f} | {load_['hello']['p50_ms']:.1f} | "
        f"{load_['hello']['p99_ms']:.1f} |",
        *([f"| scan page, first visit of each of {load_['tokens']:,} pages (each rendered) | "
           f"{load_['first_visits']['requests_per_s']:.0f} | {load_['first_visits']['p50_ms']:.1f} | "
           f"{load_['first_visits']['p99_ms']:.1f} |"] if load_.get("first_visits") else []),
        f"| scan page `/t/<token>` ({load_['tokens']:,} batches, steady state, one scan recorded each) | "
        f"{load_['scan']['requests_per_s']:.0f} ({load_['rate_ratio']:.0%}) | {load_['scan']['p50_ms']:.1f} | "
        f"{load_['scan']['p99_ms']:.1f} |",
        "",
        "| scan page | lot | HTML (KB) | gzipped (KB) | external URLs |",
        "|---|---|---:|---:|---:|",
    ]
    for kind, page in result["weight"].items():
        lines.append(f"| {kind} lot | {page['lot']} | {page['bytes'] / 1024:.1f} | {page['gzip_bytes'] / 1024:.1f} | "
                     f"{len(page['external_urls'])} |")
    lines += ["", f"A {sheet['labels']}-label A4 sheet ({sheet['sheets']} pages) renders in {sheet['cold_s']:.2f} s "
              f"cold (fresh QR cache), {sheet['disk_cache_s']:.2f} s from the disk cache and {sheet['warm_s']:.2f} s "
              "warm.", "", *(f"{aim}." for aim in aims(result))]
    return "\n".join(lines)
