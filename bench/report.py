"""Show a benchmark run: a table on the terminal, bench/out/latest.json, and Markdown lines for docs/benchmarks.md."""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out" / "latest.json"
TRACE_AIM = 10
IMPORT_AIM = 2000
WRITES = ("create_shipment", "receive_shipment", "transform")


def trace_rows(traces: dict) -> list[str]:
    """Format the trace latencies, one line per lot kind and direction."""
    lines = [f"{'trace (ms)':22} {'n':>4} {'nodes':>5} {'SQL':>3} {'service p50':>11} {'p99':>8} {'raw SQL p50':>11} "
             f"{'p99':>8} {'ratio p50':>9} {'p99':>6}"]
    for name, row in traces.items():
        lines.append(f"{name.replace('_', ' '):22} {row['samples']:>4} {row['nodes']:>5} {row['queries']:>3} "
                     f"{row['service_p50_ms']:>11.2f} {row['service_p99_ms']:>8.2f} "
                     f"{row['raw_p50_ms']:>11.2f} {row['raw_p99_ms']:>8.2f} "
                     f"{row['ratio_p50']:>8.1f}x {row['ratio_p99']:>5.1f}x")
    return lines


def write_rows(writes: dict) -> list[str]:
    """Format the writes per second against both plain INSERTs, with their round trips."""
    trips = writes.get("round_trips", {})
    lines = [f"{'writes (one transaction each)':36} {'per s':>8} {'vs temp INSERT':>14} {'vs durable':>10} "
             f"{'round trips':>11}"]
    for kind in WRITES:
        lines.append(f"{kind:36} {writes[f'{kind}_per_s']:>8.1f} {writes[f'{kind}_vs_insert']:>14.3f} "
                     f"{writes.get(f'{kind}_vs_durable', float('nan')):>10.3f} {trips.get(kind, ''):>11}")
    lines.append(f"{'INSERT of one row, temporary table':36} {writes['baseline_insert_per_s']:>8.1f} {1:>14.3f} "
                 f"{'':>10} {trips.get('baseline_insert', ''):>11}")
    if "durable_insert_per_s" in writes:
        lines.append(f"{'INSERT of one row, real table':36} {writes['durable_insert_per_s']:>8.1f} "
                     f"{writes['durable_insert_per_s'] / writes['baseline_insert_per_s']:>14.3f} {1:>10.3f} "
                     f"{trips.get('durable_insert', ''):>11}")
    return lines


def write_markdown(writes: dict) -> list[str]:
    """Return the Markdown table of the writes against both plain INSERTs, with their round trips."""
    trips = writes.get("round_trips", {})
    lines = ["| write (one transaction each) | per second | vs INSERT, temporary table | vs INSERT, real table | "
             "round trips |", "|---|---:|---:|---:|---:|"]
    for kind in WRITES:
        lines.append(f"| {kind} | {writes[f'{kind}_per_s']:.1f} | {writes[f'{kind}_vs_insert']:.3f} | "
                     f"{writes.get(f'{kind}_vs_durable', float('nan')):.3f} | {trips.get(kind, '')} |")
    lines.append(f"| plain INSERT of one row, temporary table | {writes['baseline_insert_per_s']:.1f} | 1 | | "
                 f"{trips.get('baseline_insert', '')} |")
    if "durable_insert_per_s" in writes:
        lines.append(f"| plain INSERT of one row, real table (durable) | {writes['durable_insert_per_s']:.1f} | "
                     f"{writes['durable_insert_per_s'] / writes['baseline_insert_per_s']:.3f} | 1 | "
                     f"{trips.get('durable_insert', '')} |")
    return lines


def import_line(imports: dict) -> str:
    """Describe the CSV import figure (or why there is none)."""
    if "skipped" in imports:
        return f"CSV import: skipped ({imports['skipped']})"
    if "rows_per_second" not in imports:
        return f"CSV import: {json.dumps(imports, ensure_ascii=False)}"
    line = (f"CSV import (bench/import_speed.py): {imports['rows']:,} registrations in {imports['seconds']} s = "
            f"{imports['rows_per_second']:,} per second")
    if "one_by_one_rows_per_second" in imports:
        line += f" (one by one through register_batch: {imports['one_by_one_rows_per_second']:,} per second)"
    return line


def aims(result: dict) -> list[str]:
    """Say whether the aims of issue 4 are met in this run."""
    ratios = [row["ratio_p50"] for row in result["trace"].values()]
    worst = max(ratios)
    lines = [f"Aim: a trace within {TRACE_AIM}x of its raw recursive SQL (p50): "
             f"{'met' if worst <= TRACE_AIM else 'missed'} ({min(ratios):.1f}x to {worst:.1f}x)"]
    rate = result["import"].get("rows_per_second")
    if rate is not None:
        lines.append(f"Aim: at least {IMPORT_AIM:,} registrations per second by CSV import: "
                     f"{'met' if rate >= IMPORT_AIM else 'missed'} ({rate:,} per second)")
    return lines


def table(result: dict) -> str:
    """Return the terminal table of a run."""
    season = result["season"]
    head = (f"Season: {season['batches']:,} batches, {season['events']:,} events ({season['path']} path, "
            f"{season['seconds']} s) on {result['backend']}; machine: {result['machine']}")
    return "\n".join([head, "", *trace_rows(result["trace"]), "", *write_rows(result["writes"]), "",
                      import_line(result["import"]), "", *aims(result)])


def markdown(result: dict) -> str:
    """Return Markdown lines ready to paste into docs/benchmarks.md."""
    season, writes = result["season"], result["writes"]
    lines = [
        f"Measured with `{result['command']}` on {result['backend']}, {season['batches']:,} batches and "
        f"{season['events']:,} events (generated in {season['seconds']} s by the {season['path']} path), "
        f"{result['machine']} ({result['date']}).",
        "",
        "| trace | nodes | queries | service p50 / p99 (ms) | raw recursive SQL p50 / p99 (ms) | ratio p50 / p99 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in result["trace"].items():
        lines.append(f"| {name.replace('_', ' ')} | {row['nodes']} | {row['queries']} | {row['service_p50_ms']:.2f} / "
                     f"{row['service_p99_ms']:.2f} | {row['raw_p50_ms']:.2f} / {row['raw_p99_ms']:.2f} | "
                     f"{row['ratio_p50']:.1f}x / {row['ratio_p99']:.1f}x |")
    lines += ["", *write_markdown(writes)]
    lines += ["", import_line(result["import"]) + ".", "", *(f"{aim}." for aim in aims(result))]
    return "\n".join(lines)


def save(result: dict, path: Path = OUT) -> Path:
    """Write the run as JSON and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
