"""Phase `models`: the topic classifier against other kinds of model on the same paraphrase-family folds
(model_comparison.py, issue 12). A full run writes bench/model-comparison.md and .json; a --quick run compares
the current model with itself on 2 folds, into the run's work folder, to check the harness and keep the
committed figures."""

from model_comparison import DEFAULT_CANDIDATES, clearly_beats, compare_and_write
from settings import BENCH, Context, log

FOLDS = 3


def run(context: Context) -> dict:
    out, folds, candidates = (context.work, 2, ["current"]) if context.quick else (BENCH, FOLDS, DEFAULT_CANDIDATES)
    log(f"model comparison: {', '.join(candidates)} on {folds} family folds, into {out}")
    written = compare_and_write(folds, candidates, out, "model-comparison")
    results, current = written["results"], written["results"]["current"]
    return {
        "models": {
            "folds": folds,
            "load": written["load"],
            "report": str(out / "model-comparison.md"),
            "candidates": {
                name: {
                    "accuracy": r["pipeline"]["accuracy"],
                    "macro_f1": r["pipeline"]["macro_f1"],
                    "safety_recall": r["pipeline"]["safety"]["as_any_safety_topic"],
                    "train_s": r["train_s"],
                    "ms_per_message": r["ms_per_message"],
                    "why_not_clearly_better": clearly_beats(r, current) if name != "current" else [],
                }
                for name, r in results.items()
            },
        }
    }
