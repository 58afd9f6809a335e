"""The readers of the triage card's fixed-vocabulary facts: the child's age band, platforms, past reports."""

import pytest

from safe_harbour.text.age import detect_age_band
from safe_harbour.text.platforms import detect_platforms
from safe_harbour.text.reports import detect_reports


@pytest.mark.parametrize(
    "text, band",
    [
        ("my 14yo daughter", "13-15"),
        ("she's 14 and terrified", "13-15"),
        ("my son is 12", "under 13"),
        ("a 16-year-old boy", "16-17"),
        ("aged 9", "under 13"),
        ("عمرها ١٤", "13-15"),
        ("بنتي عمرها 17 سنة", "16-17"),
        ("ابني عنده ١١ سنة", "under 13"),
        ("bnti 3omrha 13 w 7ad 3amal leha sora fake", "13-15"),
        ("it happened 2 years ago", None),
        ("he is 15 minutes away", None),
        ("she sent it at 10pm", None),
        ("my 40 year old husband found it", None),
        ("someone made a fake picture", None),
    ],
)
def test_age_band(text, band):
    assert detect_age_band(text) == band


@pytest.mark.parametrize(
    "text, platforms",
    [
        ("he found her on snapchat, then instagram", ["instagram", "snapchat"]),
        ("كان يكلمها عالسناب وبعدين بالواتس", ["snapchat", "whatsapp"]),
        ("حطها على التيك توك", ["tiktok"]),
        ("the face in the picture is hers", []),
        ("شيء نفيس", []),
    ],
)
def test_platforms_from_a_fixed_list(text, platforms):
    assert detect_platforms(text) == platforms


@pytest.mark.parametrize(
    "text, reported",
    [
        ("we already reported it to the police", ["police"]),
        ("we haven't reported it to the police yet", []),
        ("should we report it to the police?", []),
        ("بلغنا الشرطة امبارح", ["police"]),
        ("ما بلغنا الشرطة", []),
        ("ballaghna el shorta", ["police"]),
        ("we reported the account to instagram", ["platform"]),
        ("we reported it to the cybertipline", ["hotline"]),
        ("اتصلنا بخط نجدة الطفل", ["hotline"]),
    ],
)
def test_already_reported_from_fixed_phrases(text, reported):
    assert detect_reports(text) == reported
