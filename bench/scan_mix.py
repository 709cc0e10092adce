"""The scan mix of bench/scan_speed.py: which pages each load asks for, and one load against a fresh gunicorn.

Three mixes, each measured from a fresh gunicorn with an empty instance folder (nothing kept from another mix):
- uniform: every scan of a different batch drawn at random from the whole season (the common scan of a pack
  nobody opened recently);
- skewed: 80 % of scans on a hot set of 1 % of the season's codes, the rest each on a different batch drawn from
  the others; each hot page is visited once first (rendered and kept, as in a service that has been running for
  a while), so the timed load renders the cold fifth and answers the hot four fifths from kept pages;
- steady: 1,000 pages, each visited once first (every one rendered), then loaded in a cycle (all kept).
The warm-up before each timed load asks for pages of its own (other cold batches), so a cold page of the timed
load was never asked for before; bench/paths.lua starts wrk's threads at evenly spread places in the list.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from dataclasses import field

HOT_SHARE = 0.8
HOT_CODES = 0.01


@dataclass
class Load:
    """The paths of one mix: `first` to visit once each before, `warmup` for the 3 s before the timed load,
    `timed` for the timed load."""

    name: str
    warmup: list[str]
    timed: list[str]
    first: list[str] = field(default_factory=list)
    hot: int = 0
    info: dict = field(default_factory=dict)


def sample_size(batches: int, steady: int, pool: int, warmup: int) -> int:
    """Return how many distinct random batches the three mixes need from a season of `batches`."""
    return steady + hot_count(batches) + 2 * (pool + warmup)


def hot_count(batches: int) -> int:
    """Return the size of the skewed mix's hot set: 1 % of the season's codes."""
    return max(1, round(batches * HOT_CODES))


def plan(tokens: list[str], batches: int, steady: int, pool: int, warmup: int, seed: int = 11) -> list[Load]:
    """Split distinct random tokens into the three mixes' paths; no token serves two mixes.

    When the season is too small for the asked sizes, the cold pools shrink in proportion.
    """
    rng = random.Random(seed)
    hot = hot_count(batches)
    cold = len(tokens) - steady - hot
    if cold < 4:
        raise ValueError(f"{len(tokens)} tokens are too few for {steady} steady pages and {hot} hot codes")
    scale = min(1.0, cold / (2 * (pool + warmup)))
    pool, warmup = max(1, int(pool * scale)), max(1, int(warmup * scale))
    paths = [f"/t/{token}" for token in tokens]
    steady_paths, hot_paths = paths[:steady], paths[steady:steady + hot]
    rest = iter(paths[steady + hot:])
    uniform_warm, uniform = [next(rest) for _ in range(warmup)], [next(rest) for _ in range(pool)]
    skew_warm_cold, skew_cold = [next(rest) for _ in range(warmup)], [next(rest) for _ in range(pool)]
    return [
        Load("uniform", uniform_warm, uniform, info={"pool": pool}),
        Load("skewed", skewed(hot_paths, skew_warm_cold, rng), skewed(hot_paths, skew_cold, rng), hot_paths,
             hot=hot, info={"pool": pool, "hot_codes": hot}),
        Load("steady", steady_paths, steady_paths, steady_paths, info={"pages": steady}),
    ]


def skewed(hot: list[str], cold: list[str], rng: random.Random) -> list[str]:
    """Return a sequence where each scan is of a hot code with probability 0.8, else of the next cold code.

    Every cold code is used once, so the sequence is about five times as long as the cold pool.
    """
    sequence: list[str] = []
    for path in cold:
        while rng.random() < HOT_SHARE:
            sequence.append(rng.choice(hot))
        sequence.append(path)
    return sequence

