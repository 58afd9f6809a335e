"""The privacy promise end to end, through the running server (REST and socket.io):

a turn that is only an image, a data URI, a link or an attachment is refused with the safe way to report, in
the user's language; a link or image beside other words is replaced and the words are answered (a crisis as
a crisis, also with the action server down), followed by a line that links are not opened; phone numbers,
e-mail addresses, handles and names are replaced by placeholders; and none of the original strings (nor any
20-character piece of a base64 image) reaches the tracker store's database file or the server's logs.
"""

import asyncio
import base64
import json
import random
import sqlite3
import string
import struct
import uuid
import zlib
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT_ROOT, start_servers
from socket_client import socket_conversation

pytestmark = pytest.mark.slow  # every test here talks to the servers on loopback

RNG = random.Random()


def token(n: int = 10) -> str:
    return "".join(RNG.choice(string.ascii_lowercase + string.digits) for _ in range(n))


def random_png_base64(size: int = 24) -> str:
    """A real PNG (random pixels, so its base64 is unique to this run)."""
    raw = b"".join(b"\x00" + bytes(RNG.getrandbits(8) for _ in range(size * 3)) for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return base64.b64encode(png).decode()


def refusal_openings() -> dict[str, str]:
    """The first line of the image refusal (utter_offer_image) in each language, from the responses file."""
    responses = yaml.safe_load((PROJECT_ROOT / "data" / "safety" / "responses.yml").read_text("utf-8"))
    openings = {}
    for variation in responses["responses"]["utter_offer_image"]:
        conditions = {c["name"]: c["value"] for c in variation.get("condition") or []}
        openings[conditions.get("language", "en")] = variation["text"].splitlines()[0]
    return openings


def link_not_opened_lines() -> dict[str, str]:
    """The line sent after the answer when a link was removed (utter_link_not_opened), per language."""
    responses = yaml.safe_load((PROJECT_ROOT / "data" / "conversation" / "responses.yml").read_text("utf-8"))
    return {
        next((c["value"] for c in v.get("condition") or []), "en"): v["text"]
        for v in responses["responses"]["utter_link_not_opened"]
    }


REFUSAL = refusal_openings()
LINK_NOT_OPENED = link_not_opened_lines()
PNG = random_png_base64()
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def new_sender() -> str:
    return uuid.uuid4().hex


# What each case sends, and the strings that must never be stored or logged. -----------------------------


def refused_cases() -> list[dict]:
    link_id, file_id, short_id = token(), token(), token(7)
    return [
        dict(name="base64 PNG", message=PNG, secrets=[PNG], language="en"),
        dict(name="base64 PNG after words", message="here is the picture " + PNG, secrets=[PNG], language="en"),
        dict(name="data: URI", message="data:image/png;base64," + PNG, secrets=[PNG], language="en"),
        dict(
            name="image link",
            message=f"look at this https://i.imgur.com/{link_id}.png",
            secrets=[f"i.imgur.com/{link_id}", link_id],
            language="en",
        ),
        dict(
            name="file link",
            message=f"the file is at https://files.example.org/docs/{file_id}.pdf",
            secrets=[file_id],
            language="en",
        ),
        dict(
            name="cloud file link",
            message=f"https://drive.google.com/file/d/{file_id}x/view",
            secrets=[file_id + "x"],
            language="en",
        ),
        dict(name="short link", message=f"see bit.ly/{short_id}", secrets=[short_id], language="en"),
        dict(
            name="attachment in metadata",
            message="see attached",
            metadata={"language": "en", "attachment": {"type": "image", "payload": {"src": PNG[:200]}}},
            secrets=[PNG[:200]],
            language="en",
        ),
        dict(
            name="attachment beside the message",
            message="hello",
            extra={"image": "data:image/png;base64," + PNG},
            secrets=[PNG],
            language="en",
        ),
        dict(
            name="Arabic words and an image link",
            message=f"شوف الصورة https://i.imgur.com/{link_id}ar.jpg",
            secrets=[link_id + "ar"],
            language="ar",
        ),
        dict(
            name="base64 PNG in 12-character chunks",
            message="here " + " ".join(PNG[i : i + 12] for i in range(0, len(PNG), 12)),
            secrets=[PNG[:12]],
            language="en",
        ),
        dict(name="Arabic words and a base64 image", message="شوف الصورة " + PNG, secrets=[PNG], language="ar"),
    ]


def scrubbed_cases() -> list[dict]:
    phone = "05" + "".join(RNG.choice(string.digits) for _ in range(8))
    email = f"{token(8)}@example.org"
    name = "Zo" + token(6).translate(str.maketrans(string.digits, "abcdefghij"))
    handle = "u_" + token(8)
    arabic_name = "".join(RNG.choice("بتثجحخدذرزسشصضطظعغفقكلمنهوي") for _ in range(6))
    return [
        dict(
            name="phone in Arabic-Indic digits",
            message=f"رقمي {phone.translate(ARABIC_INDIC)} وبنتي عمرها ١٤ سنة",
            secrets=[phone.translate(ARABIC_INDIC), phone],
            placeholder="[phone]",
            kept=["١٤"],
        ),
        dict(
            name="phone, spaced",
            message=f"call me on {phone[:3]} {phone[3:6]} {phone[6:]}, my son is 14",
            secrets=[phone, f"{phone[:3]} {phone[3:6]} {phone[6:]}"],
            placeholder="[phone]",
            kept=["14"],
        ),
        dict(name="e-mail", message=f"you can write to {email} please", secrets=[email], placeholder="[email]"),
        dict(
            name="name",
            message=f"my name is {name} and someone is threatening my daughter",
            secrets=[name],
            placeholder="[name]",
        ),
        dict(
            name="Arabic name",
            message=f"اسمي {arabic_name} وفي واحد بيهدد بنتي",
            secrets=[arabic_name],
            placeholder="[name]",
        ),
        dict(name="handle", message=f"the man is @{handle} on instagram", secrets=[handle], placeholder="[handle]"),
    ]


# Reading what the server kept ---------------------------------------------------------------------------


def stored_bytes(db: Path) -> bytes:
    """The tracker database file as bytes, with its journal files: deleted rows can linger in free pages."""
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-journal"), Path(f"{db}-wal")) if p.exists())


def log_bytes(servers) -> bytes:
    return b"".join(p.read_bytes() for p in (servers.log_path, servers.log_path.parent / "actions.log") if p.exists())


def forms(secret: str) -> list[bytes]:
    """The ways a string can appear in a file: UTF-8, and JSON with non-ASCII characters escaped."""
    return list(
        {
            secret.encode("utf-8"),
            json.dumps(secret)[1:-1].encode("ascii"),
            json.dumps(secret, ensure_ascii=False)[1:-1].encode("utf-8"),
        }
    )


def assert_nowhere(secret: str, *blobs: bytes) -> None:
    for blob in blobs:
        for form in forms(secret):
            assert form not in blob, f"{secret[:40]!r} was stored or logged"


def assert_no_20_char_piece(b64: str, *blobs: bytes) -> None:
    text = b"".join(blobs).decode("utf-8", "replace")
    escaped = text.replace("\\/", "/")
    for i in range(len(b64) - 19):
        piece = b64[i : i + 20]
        assert piece not in text and piece not in escaped, f"a piece of the base64 image was stored: {piece}"


def user_texts(db: Path, sender: str) -> list[str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def user_metadata(db: Path, sender: str) -> list[dict]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(data).get("metadata") or {} for (data,) in rows]


# The tests ----------------------------------------------------------------------------------------------


def test_images_files_links_and_attachments_are_refused_and_never_stored(servers):
    cases = refused_cases()
    for case in cases:
        sender = new_sender()
        body_metadata = case.get("metadata", {"language": "en"})
        replies = servers.say(sender, case["message"], metadata=body_metadata, **case.get("extra", {}))
        texts = [r.get("text", "") for r in replies]
        assert any(REFUSAL[case["language"]] in t for t in texts), f"{case['name']}: {texts}"
        assert user_texts(servers.tracker_db, sender) == ["/offer_image"], case["name"]
        # Only the known metadata keys were stored with the turn.
        assert all(
            set(m) <= {"language", "locale", "country", "model_id", "assistant_id"}
            for m in user_metadata(servers.tracker_db, sender)
        ), case["name"]
    stored, logged = stored_bytes(servers.tracker_db), log_bytes(servers)
    for case in cases:
        for secret in case["secrets"]:
            assert_nowhere(secret, stored, logged)
    assert_no_20_char_piece(PNG, stored, logged)


def crisis_with_link_cases() -> list[dict]:
    link_id, short_id = token(), token(7)
    chunks = " ".join(PNG[i : i + 12] for i in range(0, len(PNG), 12))
    return [
        dict(
            name="crisis and a link",
            message=f"I already reported on report.cybertip.org/ but he sent "
            f"evil{link_id}.com/p and my son says he wants to kill himself",
            secrets=[link_id],
            crisis="emergency",
            language="en",
            kept="report.cybertip.org/",
        ),
        dict(
            name="crisis and a disguised link",
            message=f"my daughter wants to die, he posted it on hxxps[:]//pics[.]example/{link_id}",
            secrets=[link_id],
            crisis="emergency",
            language="en",
        ),
        dict(
            name="crisis and an image in chunks",
            message=f"he posted this {chunks} and my son wants to kill himself",
            secrets=[PNG[12:24]],
            crisis="emergency",
            language="en",
        ),
        dict(
            name="Arabic crisis and a link",
            message=f"بنتي قالت بدها تموت بسبب الصور اللي على bit.ly/{short_id}",
            secrets=[short_id],
            crisis="الطوارئ",
            language="ar",
        ),
    ]


def assert_crisis_answered_and_link_not_kept(servers, answering_servers):
    cases = crisis_with_link_cases()
    for case in cases:
        sender = new_sender()
        replies = answering_servers.say(sender, case["message"], metadata={"language": "en"})
        texts = [r.get("text", "") for r in replies]
        assert case["crisis"] in texts[0].lower(), f"{case['name']}: the crisis is answered first: {texts}"
        assert texts[-1] == LINK_NOT_OPENED[case["language"]], f"{case['name']}: {texts[-1]!r}"
        (stored_text,) = user_texts(answering_servers.tracker_db, sender)
        assert "[link]" in stored_text or "[image]" in stored_text, (case["name"], stored_text)
        assert case.get("kept", "") in stored_text
    stored, logged = stored_bytes(answering_servers.tracker_db), log_bytes(answering_servers)
    for case in cases:
        for secret in case["secrets"]:
            assert_nowhere(secret, stored, logged)


def test_a_crisis_beside_a_link_is_answered_as_a_crisis_and_the_link_is_not_kept(servers):
    assert_crisis_answered_and_link_not_kept(servers, servers)


@pytest.fixture(scope="module")
def rasa_alone(tmp_path_factory):
    running = start_servers(tmp_path_factory.mktemp("guard-no-actions"), with_actions=False)
    yield running
    running.stop()


def test_the_crisis_beside_a_link_needs_no_action_server(servers, rasa_alone):
    assert_crisis_answered_and_link_not_kept(servers, rasa_alone)


def test_personal_data_is_replaced_by_placeholders_before_storage(servers):
    cases = scrubbed_cases()
    for case in cases:
        sender = new_sender()
        replies = servers.say(sender, case["message"], metadata={"language": "en"})
        assert replies, case["name"]
        (stored_text,) = user_texts(servers.tracker_db, sender)
        # The guard did not refuse the turn (what the model then answers is its own business).
        assert stored_text != "/offer_image" and case["placeholder"] in stored_text, (case["name"], stored_text)
        for kept in case.get("kept", []):  # ages are not phone numbers
            assert kept in stored_text, (case["name"], stored_text)
    stored, logged = stored_bytes(servers.tracker_db), log_bytes(servers)
    for case in cases:
        for secret in case["secrets"]:
            assert_nowhere(secret, stored, logged)


def test_socketio_refuses_images_in_the_users_language_and_scrubs_personal_data(servers):
    phone = "05" + "".join(RNG.choice(string.digits) for _ in range(8))
    link_id = token()
    messages = [
        {"message": "data:image/png;base64," + PNG, "metadata": {"language": "en"}},
        {"message": f"شوف الصورة https://i.imgur.com/{link_id}.png", "metadata": {"language": "en"}},
        {"message": "hello", "metadata": {"language": "en", "files": [{"data": PNG}]}},
        {"message": f"رقمي {phone.translate(ARABIC_INDIC)}", "metadata": {"language": "ar"}},
        {
            "message": "hi",
            "attachment": {"type": "image", "url": f"https://x.example/{link_id}.jpg"},
            "metadata": {"language": "en"},
        },
        {"message": f"واحد بيهدد بنتي وبعتلي https://evil.example/{link_id}", "metadata": {"language": "en"}},
    ]
    replies, session_id = asyncio.run(socket_conversation(servers.url, messages))
    assert REFUSAL["en"] in replies[0][0]["text"]
    assert REFUSAL["ar"] in replies[1][0]["text"], "Arabic words around the link: Arabic refusal"
    assert any(REFUSAL[lang] in replies[2][0]["text"] for lang in REFUSAL)
    assert any(REFUSAL[lang] in replies[4][0]["text"] for lang in REFUSAL)
    stored_texts = user_texts(servers.tracker_db, session_id)
    assert stored_texts[:3] == ["/offer_image"] * 3 and stored_texts[4] == "/offer_image"
    assert "[phone]" in stored_texts[3]
    assert replies[5][-1]["text"] == LINK_NOT_OPENED["ar"], "the line about links comes after the answer"
    assert "[link]" in stored_texts[5]
    stored, logged = stored_bytes(servers.tracker_db), log_bytes(servers)
    for secret in (phone, phone.translate(ARABIC_INDIC), link_id):
        assert_nowhere(secret, stored, logged)
    assert_no_20_char_piece(PNG, stored, logged)


def test_a_long_message_is_cut_and_answered_with_a_notice(servers):
    sender = new_sender()
    marker = token(12)
    replies = servers.say(sender, "someone made a fake picture of my daughter. " * 100 + marker)
    assert "2,000" in replies[0]["text"] and "2,000" in replies[0]["text"].splitlines()[1]
    assert len(replies) > 1, "the assistant still answers"
    (stored_text,) = user_texts(servers.tracker_db, sender)
    assert len(stored_text) <= 2000 and marker not in stored_text


def test_user_text_never_reaches_the_log_at_the_normal_level(servers):
    """Ordinary words (nothing to scrub) are stored, but never logged."""
    marker = "zebra" + token(12)
    texts = [
        f"someone made a fake {marker} picture of my daughter",
        f"في واحد بيهدد بنتي {marker} ينشر صورها",
        f'/greet{{"x": "{marker}"}}',
        f"/ {marker} 1.2",
    ]
    for text in texts:
        servers.say(new_sender(), text)
    assert marker.encode() in stored_bytes(servers.tracker_db), "the ordinary words were kept for the conversation"
    assert marker.encode() not in log_bytes(servers)
    log = servers.log_path.read_text("utf-8", "replace")
    assert "parse_data_text" not in log and " DEBUG " not in log.split("Starting Rasa server")[-1]
