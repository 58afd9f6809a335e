"""Serves the family chat page and the widget's files from the Rasa server itself."""

import pathlib
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

from safe_harbour.directory import countries
from safe_harbour.directory.render import country_name, services_answer

WIDGET_DIR = pathlib.Path(__file__).resolve().parents[2] / "widget"
STATIC_DIR = WIDGET_DIR / "static"
PARTS_DIR = STATIC_DIR / "parts"  # the widget's modules, loaded by safe-harbour-widget.js
SOCKETIO_CLIENT = WIDGET_DIR / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"


def _static_file(path: pathlib.Path):
    async def serve(_: Request) -> HTTPResponse:
        if not path.is_file():
            raise NotFound("Not found")
        return await response.file(str(path))

    return serve


def _file_in(folder: pathlib.Path):
    """Serves `/<prefix>/<name>` from `folder`: plain file names only, no sub-paths, no ".."."""

    async def serve(_: Request, name: str) -> HTTPResponse:
        path = folder / name
        if "/" in name or name.startswith(".") or not path.is_file():
            raise NotFound("Not found")
        return await response.file(str(path))

    return serve


def report_routes() -> dict:
    """Every country's official police route, in both languages, for the widget's report form.

    The same answer the assistant gives to "report to the police" (official entries only), so the form can
    add it to a family's report in the browser without asking the server anything while they write.
    """
    return {
        "countries": [
            {
                "code": code,
                "name": {lang: country_name(code, lang) for lang in ("en", "ar")},
                "route": {lang: _route(code, lang) for lang in ("en", "ar")},
            }
            for code in countries()
        ]
    }


def _route(code: str, lang: str) -> dict:
    answer = services_answer(code, "report_police", lang, list_world_when_unknown=False)
    assert answer is not None, f"{code} is in the directory, so it has an answer"
    return {"text": answer["text"], **answer["metadata"]}


class WebChatPages(InputChannel):
    """`/chat` (the demo page) and `/widget/...` (the embeddable widget). Receives no messages."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    def url_prefix(self) -> str:
        return "/"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        pages = Blueprint("webchat_pages", __name__)
        pages.add_route(_static_file(STATIC_DIR / "demo.html"), "/chat", methods=["GET"], name="chat")
        pages.add_route(
            _static_file(SOCKETIO_CLIENT), "/widget/vendor/socket.io.min.js", methods=["GET"], name="socketio_client"
        )

        @pages.route("/widget/report-routes.json", methods=["GET"])
        async def widget_report_routes(_: Request) -> HTTPResponse:
            return response.json(report_routes(), ensure_ascii=False)

        pages.add_route(_file_in(STATIC_DIR), "/widget/<name:str>", methods=["GET"], name="widget_file")
        pages.add_route(_file_in(PARTS_DIR), "/widget/parts/<name:str>", methods=["GET"], name="widget_part")
        return pages
