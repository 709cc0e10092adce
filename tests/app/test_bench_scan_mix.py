"""The scan benchmark's mixes ask for the pages they claim to: uniform cold pages, 80 % on 1 % of codes, 1,000 kept."""

from __future__ import annotations

from collections import Counter

from bench.scan_mix import plan
from bench.scan_mix import sample_size


def test_the_three_mixes_share_no_page_and_the_skewed_one_puts_80_percent_on_1_percent_of_codes():
    tokens = [f"T{n:06d}" for n in range(sample_size(100_000, 1000, 5000, 1000))]
    uniform, skewed, steady = plan(tokens, 100_000, steady=1000, pool=5000, warmup=1000)

    assert len(uniform.timed) == len(set(uniform.timed)) == 5000
    assert not set(uniform.timed) & set(uniform.warmup)
    assert len(set(steady.timed)) == 1000 and steady.first == steady.timed
    counts = Counter(skewed.timed)
    hot = {path for path, n in counts.items() if n > 1}
    assert skewed.hot == 1000 and hot <= set(skewed.first) and len(skewed.first) == 1000
    assert 0.77 < sum(counts[path] for path in hot) / len(skewed.timed) < 0.83
    assert sum(1 for n in counts.values() if n == 1) >= 5000
    mixes = [set(uniform.timed) | set(uniform.warmup), set(skewed.timed) - hot, set(steady.timed)]
    assert not (mixes[0] & mixes[1]) and not (mixes[0] & mixes[2]) and not (mixes[1] & mixes[2])
    assert not (set(skewed.warmup) - hot) & (set(skewed.timed) - hot)


def test_a_small_season_shrinks_the_cold_pools_instead_of_failing():
    tokens = [f"T{n:04d}" for n in range(1400)]
    uniform, skewed, steady = plan(tokens, 1400, steady=1000, pool=20_000, warmup=5000)
    assert len(steady.timed) == 1000 and skewed.hot == 14
    assert 0 < len(uniform.timed) and len(uniform.timed) + len(uniform.warmup) <= 1400 - 1000 - 14
