"""Position tests of the image and encoded-file detector (safe_harbour.privacy.media)."""

import base64

import pytest

from guard_cases import found
from safe_harbour.privacy import media

PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
PNG_HEX = base64.b64decode(PNG_B64).hex()
CHUNKS = " ".join(PNG_B64[i : i + 12] for i in range(0, len(PNG_B64), 12))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("here " + PNG_B64 + " ok", [(PNG_B64, "image")]),
        ("here:" + PNG_B64, [(PNG_B64, "image")]),
        ("data:image/png;base64," + PNG_B64 + " ok", [("data:image/png;base64," + PNG_B64, "image")]),
        ("data :image/png;base64 , " + PNG_B64, [("data :image/png;base64 , " + PNG_B64, "image")]),
        ("he sent " + CHUNKS + " and left", [(CHUNKS, "image")]),
        ("x " + PNG_HEX + " y", [(PNG_HEX, "image")]),
        (
            " ".join(PNG_HEX[i : i + 2] for i in range(0, 40, 2)),
            [(" ".join(PNG_HEX[i : i + 2] for i in range(0, 40, 2)), "image")],
        ),
        (
            "aGVsbG8gd29ybGQgdGhpcyBpcyBhIGxvbmcgYmFzZTY0IHN0cmluZw==",
            [("aGVsbG8gd29ybGQgdGhpcyBpcyBhIGxvbmcgYmFzZTY0IHN0cmluZw==", "blob")],
        ),
    ],
)
def test_images_and_encoded_files_are_found_where_they_are(text, expected):
    assert found(media.find, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "someone made a fake picture of my daughter with an app",
        "I have an iPhone13 and MP4 files",
        "my son is 12 13 14 and a bad face",
        "the NHS and CEOP said 2019 2020",
        "COVID-19 vaccination",
        "the data: it shows, he said",
        "sidra.org/clinics-services/childrens-and-young-people/child-safety-and-advocacy",
    ],
)
def test_words_numbers_and_long_paths_are_not_encoded_files(text):
    assert found(media.find, text) == []
