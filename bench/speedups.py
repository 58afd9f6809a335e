"""Runs the `rasa` command line with a proposed speed-up applied in process, for the benchmark's tuning step.

    python bench/speedups.py run --model ... (the arguments of `rasa`)

It is measured here before anyone changes the project's code (bench/README.md, "Making it fast"): Rasa
validates every answer of the action server with `jsonschema.validate()`, which re-checks the schema itself
against the JSON-Schema meta-schema on every call (jsonschema 4.17): about 50 ms of CPU per custom action on
our machine. The patch validates with one validator built once (same schema, same errors). (A second patch,
weights in Fortran order, is now done by the classifier itself: safe_harbour/nlu/features.py.)
"""

import sys
from typing import Any


def apply() -> None:
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    validators: dict[str, Any] = {}

    def validate_action_result(self, result: dict[str, Any]) -> bool:
        validator = validators.get("action")
        if validator is None:
            schema = self.action_response_format_spec()
            cls = validator_for(schema)
            cls.check_schema(schema)
            validator = validators["action"] = cls(schema)
        try:
            validator.validate(result)
            return True
        except ValidationError as e:
            e.message += (
                ". Failed to validate Action server response from API, make sure your response from "
                f"the Action endpoint is valid. For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise e

    RemoteAction._validate_action_result = validate_action_result


def main() -> None:
    sys.argv = ["rasa"] + sys.argv[1:]
    apply()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
