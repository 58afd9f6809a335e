"""Cross-validation folds keep each paraphrase family whole: a model is scored on situations it never saw,
never on rewordings of ones it trained on (what `make tune-safety` and bench/model_comparison.py rely on)."""

from collections import defaultdict

from safe_harbour.evaluation.cross_validation import family_folds, training_examples


def test_every_example_is_held_out_once_with_its_whole_family():
    examples = training_examples()
    held_out_in = defaultdict(set)
    times_held_out = [0] * len(examples)
    for fold, (train, test) in enumerate(family_folds(examples, 3)):
        assert not {examples[i].family for i in train} & {examples[i].family for i in test}
        for i in test:
            held_out_in[examples[i].family].add(fold)
            times_held_out[i] += 1
    assert set(times_held_out) == {1}
    assert all(len(folds) == 1 for folds in held_out_in.values())
