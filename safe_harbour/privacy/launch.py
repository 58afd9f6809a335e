"""Start the Rasa server with the safe options: `python -m safe_harbour.privacy.launch [rasa run options]`.

- adds `--enable-api --auth-token $RASA_API_TOKEN` when RASA_API_TOKEN is set (the HTTP API then needs
  `?token=`), and refuses `--enable-api` without a token;
- adds `--cors` with the origins in CORS_ORIGINS (none: same origin only), and refuses `--cors '*'`;
- refuses `--remote-storage` and a `--model` outside the project's `models/` folder (default: `models`);
- refuses debug logging (`--debug`, `-vv`, LOG_LEVEL=DEBUG) unless SAFE_HARBOUR_ENV=development.

Then it replaces itself with `rasa run ...` (same process id, so a caller can stop the server by that id).
`--via '["python", "bench/profile_server.py", "out.prof"]'` (a JSON list; the script must be inside the project)
runs the same checked command as `python bench/profile_server.py out.prof run ...` instead: the benchmark's profiler.
The same checks run again inside the server when the channels load (safe_harbour.privacy.http_hardening),
so a plain `rasa run` with unsafe options is refused too. Exit code 2 on refusal.
"""

import json
import os
import pathlib
import shutil
import sys

from safe_harbour import settings
from safe_harbour.privacy import http_hardening


def rasa_command(args: list[str]) -> list[str]:
    """The full `rasa run` command line for the given options (token and CORS from the settings)."""
    args = list(args)
    if not http_hardening.option_values(args, "--model", "-m"):
        args = ["--model", "models", *args]
    if settings.RASA_API_TOKEN:
        if "--enable-api" not in args:
            args.append("--enable-api")
        if not http_hardening.option_values(args, "--auth-token", "-t"):
            args += ["--auth-token", settings.RASA_API_TOKEN]
    if settings.CORS_ORIGINS and "--cors" not in args:
        args += ["--cors", *settings.CORS_ORIGINS]
    return ["rasa", "run", *args]


def problems(command: list[str]) -> list[str]:
    found = http_hardening.launch_problems(command)
    if not settings.DEVELOPMENT:
        if any(a in ("--debug", "-vv") or (a.startswith("-vv") and set(a[1:]) == {"v"}) for a in command):
            found.append(
                "debug logging (--debug, -vv) prints what families type; it is allowed only with "
                "SAFE_HARBOUR_ENV=development."
            )
        if os.environ.get("LOG_LEVEL", "").upper() == "DEBUG":
            found.append(
                "LOG_LEVEL=DEBUG prints what families type; it is allowed only with SAFE_HARBOUR_ENV=development."
            )
    return found


def split_via(args: list[str]) -> tuple[list[str], list[str]]:
    """(`--via` program, the other options); the program is empty without `--via`."""
    if args[:1] != ["--via"] or len(args) < 2:
        return [], args
    via = json.loads(args[1])
    script = pathlib.Path(via[1]).resolve() if isinstance(via, list) and len(via) > 1 else None
    if not (script and settings.PROJECT_ROOT.resolve() in script.parents):
        raise ValueError("--via must be a JSON list [python, a script inside the project, ...]")
    return via, args[2:]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--"]:
        args = args[1:]
    try:
        via, args = split_via(args)
    except ValueError as error:
        sys.stderr.write(f"Safe Harbour refuses to start the server: {error}\n")
        return 2
    command = rasa_command(args)
    found = problems(command)
    if found:
        sys.stderr.write("Safe Harbour refuses to start the server:\n" + "".join(f"  - {p}\n" for p in found))
        return 2
    if via:
        os.execv(via[0], [*via, *command[1:]])
    executable = shutil.which("rasa")
    if not executable:
        sys.stderr.write("The `rasa` command was not found: run scripts/setup.sh and source scripts/env.sh.\n")
        return 2
    os.execv(executable, [executable, *command[1:]])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
