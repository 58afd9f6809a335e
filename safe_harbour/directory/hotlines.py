"""Load the country directory of hotlines (directory/countries/*.yml) and answer look-ups.

Only entries with status ``official`` may ever be shown to families; ``official_services`` is the
one function the assistant should use for that. ``get`` returns everything (for staff tools and tests).

The directory path defaults to ``<project root>/directory/countries``, where the project root is found
from this package's location. Every function takes an optional ``directory`` argument so tests (and the
validator) can point at another folder.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIRECTORY = PROJECT_ROOT / "directory" / "countries"

WORLD = "WORLD"
OFFICIAL = "official"
STATUSES = ("official", "secondary", "unconfirmed")
KINDS = (
    "emergency",
    "child_helpline",
    "csam_hotline",
    "police_cyber",
    "parent_support",
    "own_thoughts",
    "removal",
    "crisis_line",
    "other",  # kept for staff (e.g. a mother-and-child health line): not about child protection, never offered
)

# Worldwide services are appended after a country's own official services only where they add something:
# - removal tools (Take It Down, StopNCII) work from every country, so they are always appended;
# - a worldwide CSAM-report route (CyberTipline, INHOPE) only when the country has no official CSAM hotline;
# - a worldwide child-helpline directory only when the country has no official child helpline.
# - a finder of national member hotlines (INHOPE) only when the country is unknown: a known country either has
#   its own member hotline already listed, or has none, and then the finder leads nowhere.
_ALWAYS_APPEND = {"removal"}
_APPEND_IF_MISSING = {"csam_hotline", "child_helpline"}
_ONLY_WHEN_COUNTRY_UNKNOWN = {"world_inhope"}

PathLike = str | Path

_cache: dict[Path, dict[str, dict]] = {}
_lock = threading.Lock()


def _resolve(directory: PathLike | None) -> Path:
    return Path(directory).resolve() if directory is not None else DEFAULT_DIRECTORY


def read_files(directory: PathLike | None = None) -> dict[str, dict]:
    """Parse every ``*.yml`` file in the folder, keyed by file name (no caching, no checks)."""
    folder = _resolve(directory)
    files = {}
    for path in sorted(folder.glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            files[path.name] = yaml.safe_load(handle)
    return files


def load(directory: PathLike | None = None, reload: bool = False) -> dict[str, dict]:
    """All countries keyed by their code ("EG", ..., "WORLD"). Loaded once per folder and cached.

    Files are trusted to have passed ``python -m safe_harbour.directory.validate``; a file without a
    ``country`` key is skipped rather than crashing the assistant.
    """
    folder = _resolve(directory)
    with _lock:
        if reload or folder not in _cache:
            countries = {}
            for data in read_files(folder).values():
                if isinstance(data, dict) and isinstance(data.get("country"), str):
                    countries[data["country"].upper()] = data
            _cache[folder] = countries
        return _cache[folder]


def countries(directory: PathLike | None = None) -> list[str]:
    """Codes of all countries in the directory, without WORLD, sorted."""
    return sorted(code for code in load(directory) if code != WORLD)


def get(country_code: str | None, directory: PathLike | None = None) -> dict | None:
    """The whole entry for a country (all statuses), or None. Returns a copy: callers may not edit the cache."""
    if not country_code:
        return None
    entry = load(directory).get(country_code.strip().upper())
    return copy.deepcopy(entry) if entry is not None else None


def reachable(service: dict) -> bool:
    """A family can reach it: a phone number, a text keyword or a web page. Anything else is not shown."""
    return bool(service.get("phone") or service.get("text") or service.get("web"))


def _official(entry: dict | None, kinds: set | None) -> list[dict]:
    if not entry:
        return []
    return [
        copy.deepcopy(service)
        for service in entry.get("services") or []
        if service.get("status") == OFFICIAL and (kinds is None or service.get("kind") in kinds) and reachable(service)
    ]


def _same_service(a: dict, b: dict) -> bool:
    def norm(url):
        return (url or "").lower().rstrip("/").replace("https://", "").replace("www.", "")

    return bool(a.get("web")) and norm(a.get("web")) == norm(b.get("web"))


def official_services(
    country_code: str | None,
    kinds: Iterable[str] | None = None,
    include_world: bool = True,
    directory: PathLike | None = None,
) -> list[dict]:
    """Official services for a country, optionally only of the given kinds, country first.

    Worldwide official services are appended where useful (see ``_ALWAYS_APPEND`` and
    ``_APPEND_IF_MISSING``) unless ``include_world`` is False; a service the country already lists (same
    web address) is not repeated. An unknown or missing country code gets the worldwide services only.
    Never returns an entry whose status is not ``official``, nor one with no phone, text or web to reach it.
    """
    wanted = set(kinds) if kinds is not None else None
    if wanted is not None:
        unknown = wanted - set(KINDS)
        if unknown:
            raise ValueError(f"unknown service kind(s): {sorted(unknown)}")
    directory_data = load(directory)
    code = (country_code or "").strip().upper()
    entry = directory_data.get(code) if code and code != WORLD else None
    result = _official(entry, wanted)
    if not include_world:
        return result
    world = _official(directory_data.get(WORLD), wanted)
    if entry is None:
        return world
    own_kinds = {service["kind"] for service in result}
    for service in world:
        kind = service["kind"]
        useful = service["id"] not in _ONLY_WHEN_COUNTRY_UNKNOWN and (
            kind in _ALWAYS_APPEND or (kind in _APPEND_IF_MISSING and kind not in own_kinds)
        )
        if useful and not any(_same_service(service, mine) for mine in result):
            result.append(service)
    return result


def emergency_number(country_code: str | None, directory: PathLike | None = None) -> str | None:
    """The emergency number if, and only if, it is marked official; otherwise None."""
    entry = load(directory).get((country_code or "").strip().upper())
    number = (entry or {}).get("emergency_number")
    if number and number.get("status") == OFFICIAL:
        return str(number["number"])
    return None
