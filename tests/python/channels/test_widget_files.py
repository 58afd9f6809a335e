"""The widget's files as a browser gets them from the Rasa server: the loader, every part it loads (each
served from /widget/parts/), and nothing else from that folder."""

import re

import pytest
import requests

from safe_harbour.settings import PROJECT_ROOT  # noqa: E402

STATIC = PROJECT_ROOT / "widget" / "static"
LOADER = STATIC / "safe-harbour-widget.js"
TEST_HOOKS = re.compile(r"SafeHarbourTest|_state|_renderBotMessage|_socket|_handoff|_refuseFile")


def loader_parts() -> list:
    """The part names of the loader's PARTS list, in load order."""
    listing = re.search(r"var PARTS = \[(.*?)\];", LOADER.read_text(encoding="utf-8"), re.S)
    assert listing, "safe-harbour-widget.js has no PARTS list"
    return re.findall(r"'([a-z-]+)'", listing.group(1))


def test_the_loader_loads_every_part_once():
    names = loader_parts()
    assert len(names) == len(set(names)), f"a part is listed twice: {names}"
    on_disk = sorted(path.stem for path in (STATIC / "parts").glob("*.js"))
    assert sorted(names) == on_disk, f"listed {sorted(names)}, on disk {on_disk}"


def test_every_part_is_served_as_javascript_without_test_hooks(servers):
    for path in ["/widget/safe-harbour-widget.js"] + [f"/widget/parts/{name}.js" for name in loader_parts()]:
        reply = requests.get(servers.url + path, timeout=10)
        assert reply.status_code == 200, path
        assert "javascript" in reply.headers["content-type"], (path, reply.headers["content-type"])
        assert reply.content == (STATIC / path.removeprefix("/widget/")).read_bytes(), path
        # The browser tests bring their own hooks (widget/tests/page-hooks.js): a site embeds none.
        assert not TEST_HOOKS.search(reply.text), f"{path} has a test hook"


@pytest.mark.parametrize(
    "path",
    [
        "/widget/parts",
        "/widget/parts/",
        "/widget/parts/nope.js",
        "/widget/parts/.hidden.js",
        "/widget/parts/%2e%2e%2fsafe-harbour-widget.js",
        "/widget/parts/..%2F..%2F.env",
        "/widget/parts/x/api.js",
    ],
)
def test_nothing_else_is_served_from_the_parts_folder(servers, path):
    reply = requests.get(servers.url + path, timeout=10, allow_redirects=False)
    assert reply.status_code == 404, f"{path}: {reply.status_code}"
