"""The README's "add a topic" recipe, followed for a throwaway topic (recipe_topic.yml) in a copy of the project.

Steps 1-7 are applied to a temporary copy of the repository, as a person would: the registry, the domain,
examples in the three ways of writing, the answer in both languages, the rule, test stories, and the console's
labels with the check that every place agrees. The copy is then trained (NLU and dialogue, as
scripts/train.sh does; minutes) and asked, in a process running the copy's own code and model, three
messages worded unlike the examples: each must be read as the new topic, answered in its language with the
new answer, and give a triage card with the registry's urgency and case category.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
import yaml

from safe_harbour.topics.registry import PROJECT_ROOT

pytestmark = pytest.mark.slow

HERE = pathlib.Path(__file__).resolve().parent
TOPIC = yaml.safe_load((HERE / "recipe_topic.yml").read_text(encoding="utf-8"))
ID, AREA = TOPIC["id"], TOPIC["area"]
# Not part of the project a helpline would copy: installed packages, build output, local state.
NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "models",
    "results",
    "var",
    ".rasa",
    ".env",
    "__pycache__",
    ".pytest_cache",
    "bench",
)


def append(path: pathlib.Path, fragment, indent: str = "") -> None:
    """Adds YAML entries at the end of a file whose last section is the list or mapping they belong to."""
    text = yaml.safe_dump(fragment, allow_unicode=True, sort_keys=False, width=1000)
    with path.open("a", encoding="utf-8") as out:
        out.write("\n" + "".join(indent + line + "\n" for line in text.splitlines()))


def follow_the_recipe(root: pathlib.Path) -> None:
    # 1. Registry: the topic's facts, and its place among the case categories.
    registry_path = root / "topics" / "registry.yml"
    registry = yaml.safe_load(registry_path.read_text(encoding="utf-8"))
    registry["topics"][ID] = TOPIC["registry"]
    registry["case_categories"].append(ID)
    registry_path.write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # 2. Domain: the intent.
    domain = root / "domain.yml"
    domain.write_text(
        domain.read_text(encoding="utf-8").replace("intents:\n", f"intents:\n  - {ID}\n", 1), encoding="utf-8"
    )
    # 3. Examples in English, Arabic script and Arabizi, one family each.
    for language, examples in TOPIC["examples"].items():
        append(
            root / "data" / AREA / f"nlu.{language}.yml",
            [
                {
                    "intent": ID,
                    "metadata": {"family": f"{ID}-{language}", "variety": ""},
                    "examples": "".join(f"- {e}\n" for e in examples),
                }
            ],
        )
    # 4. The answer: the Arabic variation and the English default, the same button, sources and review date.
    metadata = {"sources": TOPIC["answer"]["sources"], "reviewed": "2026-12-01"}
    buttons = {
        "ar": [{"title": "التحدث مع شخص", "payload": "/request_human"}],
        "en": [{"title": "Talk to a person", "payload": "/request_human"}],
    }
    append(
        root / "data" / AREA / "responses.yml",
        {
            f"utter_{ID}": [
                {
                    "condition": [{"type": "slot", "name": "language", "value": "ar"}],
                    "text": TOPIC["answer"]["ar"],
                    "buttons": buttons["ar"],
                    "metadata": metadata,
                },
                {"text": TOPIC["answer"]["en"], "buttons": buttons["en"], "metadata": metadata},
            ]
        },
        indent="  ",
    )
    # 5. The rule that answers it.
    append(
        root / "data" / AREA / "rules.yml",
        [{"rule": f"answer {ID}", "steps": [{"intent": ID}, {"action": f"utter_{ID}"}]}],
    )
    # 6. Two test stories per language.
    for language, messages in TOPIC["stories"].items():
        append(
            root / "tests" / "stories" / AREA / f"test_{AREA}_{language}.yml",
            [
                {
                    "story": f"{ID} ({language}) {number}",
                    "steps": [{"user": message, "intent": ID}, {"action": f"utter_{ID}"}],
                }
                for number, message in enumerate(messages, 1)
            ],
        )


def run_in(root: pathlib.Path, *command: str, stdin: str = "", timeout: float) -> subprocess.CompletedProcess:
    """A command in the copy, importing the copy's code (not this checkout's)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONWARNINGS": "ignore",
    }
    return subprocess.run(
        [sys.executable, *command], cwd=root, env=env, input=stdin, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def trained_copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(PROJECT_ROOT, root, ignore=NOT_COPIED, dirs_exist_ok=True)
    shutil.copy(HERE / "recipe_probe.py", root / "recipe_probe.py")
    follow_the_recipe(root)
    # 7. The console's labels, then the check of every place that names topics.
    checked = run_in(root, "-m", "safe_harbour.topics", "--write-console", timeout=300)
    trained = None
    if checked.returncode == 0:
        trained = run_in(
            root,
            "-m",
            "rasa",
            "train",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--config",
            "config.yml",
            "--out",
            "models",
            "--fixed-model-name",
            "safe-harbour",
            timeout=3600,
        )
    return root, checked, trained


def test_the_copy_agrees_with_its_registry_after_the_recipe(trained_copy):
    root, checked, _ = trained_copy
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "labels written" in checked.stdout
    assert f'"{ID}": "{TOPIC["registry"]["label"]["ar"]}"' in (
        root / "safe_harbour" / "console" / "static" / "console.js"
    ).read_text(encoding="utf-8")


def test_the_new_topic_is_recognised_answered_in_its_language_and_triaged(trained_copy):
    root, checked, trained = trained_copy
    assert trained is not None and trained.returncode == 0, (trained.stderr if trained else checked.stdout)[-3000:]
    languages = list(TOPIC["probes"])
    probed = run_in(
        root, "recipe_probe.py", stdin=json.dumps([TOPIC["probes"][lang] for lang in languages]), timeout=900
    )
    assert probed.returncode == 0, probed.stderr[-3000:]
    for language, result in zip(languages, json.loads(probed.stdout.splitlines()[-1]), strict=True):
        answer = TOPIC["answer"]["en" if language == "en" else "ar"]
        assert result["topic"] == ID, (language, result["topic"])
        assert result["replies"][:1] == [answer], (language, result["replies"])
        card = result["card"]
        assert (card["category"], card["urgency"], card["topics"]) == (ID, TOPIC["registry"]["urgency"], [ID]), card
