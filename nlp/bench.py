"""Benchmark: throughput vs bare jieba.lcut, start-up time, resident memory."""
from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

_PLACES = ["3号楼", "十二幢", "5栋2单元", "7-2-301", "东区9号楼1单元502", "", "", "西门", "车库"]
_PROBLEMS = [
    "楼道灯坏了好几天了", "电梯又停了 老人爬不动", "下水道堵了 一股味", "垃圾好几天没人收",
    "树枝压着电线", "门口的坑越来越大", "有人在楼道里给电动车充电", "楼上天天半夜蹦迪",
    "独居的老人好几天没出门了", "想问问医保怎么报销", "物业费乱收", "健身器材坏了",
    "闻到一股煤气味", "冒烟了 好像着火了", "水管爆了 家里淹了", "快递柜总是满的",
]
_TAILS = ["", " 麻烦处理一下", " 能不能派人看看", " 谢谢", "！！", " 到现在没人管"]
_CHAT = [
    "早上好 各位邻居", "收到", "谢谢网格员 已经修好了", "@所有人 明天停水检修 请提前储水",
    "招聘保洁 日结 加微信", "【转发】这些食物不能一起吃", "周末有人一起打球吗", "哈哈哈 笑死",
    "捡到一串钥匙 在物业前台", "我觉得今年年味比去年足",
]


def messages(n: int = 2000, seed: int = 7) -> list[str]:
    """A synthetic mix of demands and chat from templates (about 60/40)."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        if rnd.random() < 0.6:
            out.append(rnd.choice(_PLACES) + rnd.choice(_PROBLEMS) + rnd.choice(_TAILS))
        else:
            out.append(rnd.choice(_CHAT))
    return out


def corpus_messages() -> list[str]:
    """The labelled development set's texts (real group messages, longer than the template mix)."""
    path = Path(__file__).resolve().parent.parent / "tests/nlp/corpus/dev.jsonl"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def _rates(msgs: list[str], base: Callable[[str], object], func: Callable[[str], object],
           rounds: int = 7) -> tuple[float, float, float]:
    """Messages per second of ``base`` and ``func`` (best round of each) and the median over rounds of
    their ratio: each round times the two back to back, so a round's ratio shares that moment's noise."""
    times: list[tuple[float, float]] = []
    for _ in range(rounds):
        pair = []
        for f in (base, func):
            t = time.perf_counter()
            for m in msgs:
                f(m)  # classify_uncached: no memo, every message is classified in full
            pair.append(time.perf_counter() - t)
        times.append((pair[0], pair[1]))
    ratios = sorted(b / f for b, f in times)
    return (len(msgs) / min(b for b, _ in times), len(msgs) / min(f for _, f in times),
            ratios[len(ratios) // 2])


_FRESH = ("import resource, nlp; nlp.classify('3号楼楼道灯坏了'); "
          "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")


def startup() -> tuple[float, float]:
    """Process start to first classification done, in a fresh interpreter; and its RSS in MB."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _FRESH], check=True, capture_output=True, text=True)
    return time.perf_counter() - t0, int(out.stdout.split()[-1]) / 1024


def main(argv: list[str] | None = None) -> int:
    import jieba

    import nlp
    from nlp import native
    from nlp.classifier import classify_uncached

    msgs = messages()
    nlp.warm_up()
    jieba.setLogLevel(60)
    jieba.lcut("预热")
    jrate, crate, ratio = _rates(msgs, jieba.lcut, classify_uncached)
    real = corpus_messages()
    real_ratio = _rates(real, jieba.lcut, classify_uncached)[2] if real else None
    runs = [startup() for _ in range(3)]
    start, fresh_rss = min(r[0] for r in runs), min(r[1] for r in runs)  # cache warm
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"messages: {len(msgs)} (synthetic template mix)")
    print(f"jieba.lcut:    {jrate:10.0f} msg/s")
    print(f"nlp.classify:  {crate:10.0f} msg/s")
    print(f"ratio: {ratio:.2f} (median of 7 interleaved rounds; target >= 0.70; classifier build: {native.MODE})")
    if real_ratio is not None:
        print(f"ratio on the {len(real)} messages of tests/nlp/corpus/dev.jsonl (longer, real; median): {real_ratio:.2f}")
    print(f"start-up to first classification: {start:.2f} s (target <= 1.0 s, fresh process)")
    print(f"resident memory (ru_maxrss), classifier process: {fresh_rss:.0f} MB (target <= 150 MB)")
    print(f"resident memory (ru_maxrss), this bench process with bare jieba too: {rss_mb:.0f} MB")
    return 0
