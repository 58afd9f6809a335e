"""python -m safe_harbour.topics [--write-console]

Checks that everything naming topics agrees with topics/registry.yml and lists each disagreement with its
place (exit 1), or says that all agree (exit 0). --write-console first writes the registry's labels into the
staff console (safe_harbour/console/static/console.js).
"""

import argparse
import sys

from safe_harbour.topics import console_labels
from safe_harbour.topics.agreement import disagreements
from safe_harbour.topics.registry import PROJECT_ROOT, REGISTRY_PATH, RegistryError, read


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-console", action="store_true", help="write the console's labels from the registry")
    arguments = parser.parse_args()
    if arguments.write_console:
        try:
            changed = console_labels.write(PROJECT_ROOT / console_labels.CONSOLE_SCRIPT, read(REGISTRY_PATH))
        except RegistryError as broken:
            print(broken)
            return 1
        print(f"{console_labels.CONSOLE_SCRIPT}: {'labels written' if changed else 'labels already up to date'}")
    problems = disagreements()
    for problem in problems:
        print(problem)
    print(
        f"{len(problems)} disagreement(s) with topics/registry.yml"
        if problems
        else "Everything that names topics agrees with topics/registry.yml."
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
