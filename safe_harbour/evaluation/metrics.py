"""Accuracy, per-topic precision/recall/F1 and macro-F1 for labelled intent predictions."""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

Pair = tuple[str, str]  # (gold topic, predicted topic)


def accuracy(pairs: Sequence[Pair]) -> float:
    return sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0


def per_topic(pairs: Sequence[Pair]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support for every topic that occurs as gold or prediction."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    support: Counter[str] = Counter()
    for gold, predicted in pairs:
        support[gold] += 1
        if gold == predicted:
            tp[gold] += 1
        else:
            fp[predicted] += 1
            fn[gold] += 1
    report = {}
    for topic in sorted(set(support) | set(fp)):
        precision = tp[topic] / (tp[topic] + fp[topic]) if tp[topic] + fp[topic] else 0.0
        recall = tp[topic] / (tp[topic] + fn[topic]) if tp[topic] + fn[topic] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report[topic] = {"precision": precision, "recall": recall, "f1": f1, "support": support[topic]}
    return report


def macro_f1(pairs: Sequence[Pair]) -> float:
    """Mean F1 over the gold topics present (predicted-only topics count as errors, not as classes)."""
    report = per_topic(pairs)
    gold_topics = {g for g, _ in pairs}
    return sum(report[t]["f1"] for t in gold_topics) / len(gold_topics) if gold_topics else 0.0


def confusions(pairs: Iterable[Pair]) -> list[tuple[str, str, int]]:
    """(gold, predicted, count) for every wrong pair, most frequent first."""
    counts = Counter((g, p) for g, p in pairs if g != p)
    return [(g, p, n) for (g, p), n in counts.most_common()]


def grouped(items: Iterable[dict], key: str) -> dict[str, list[dict]]:
    groups = defaultdict(list)
    for item in items:
        groups[item[key]].append(item)
    return dict(groups)


def share(items: Sequence[dict], test: Callable[[dict], bool]) -> float:
    """The fraction of `items` that pass `test` (0 for none)."""
    return sum(1 for i in items if test(i)) / len(items) if items else 0.0


def safety_recognition(items: Sequence[dict], safety: set[str]) -> dict:
    """How safety messages were read (as some safety topic, as the right one, per topic) and how often a
    non-safety message was read as one. Items carry "topic" (gold) and "predicted"."""
    safety_items = [i for i in items if i["topic"] in safety]

    def recognised(group: Sequence[dict]) -> dict:
        return {
            "n": len(group),
            "as_any_safety_topic": share(group, lambda i: i["predicted"] in safety),
            "exact": share(group, lambda i: i["predicted"] == i["topic"]),
        }

    return {
        **recognised(safety_items),
        "by_topic": {t: recognised(g) for t, g in sorted(grouped(safety_items, "topic").items())},
        "false_alarm_rate": share([i for i in items if i["topic"] not in safety], lambda i: i["predicted"] in safety),
    }
