"""The hotline directory: the real files validate, broken files are caught, only official entries reach families."""

import datetime as dt
import shutil

import pytest
import yaml

from safe_harbour.directory import hotlines, validate

EXPECTED = {
    "US",
    "GB",
    "CA",
    "AU",
    "IE",
    "EG",
    "SA",
    "AE",
    "JO",
    "MA",
    "LB",
    "IQ",
    "TN",
    "DZ",
    "QA",
    "KW",
    "BH",
    "OM",
    "PS",
}


def _service(**overrides):
    service = {
        "id": "xx_test_line",
        "kind": "child_helpline",
        "name": {"en": "Test line", "ar": "خط تجريبي"},
        "handles": {"en": "Testing", "ar": "اختبار"},
        "audience": {"en": "Anyone testing", "ar": "لكل من يختبر"},
        "web": "https://example.org",
        "phone": "12345",
        "text": None,
        "hours": {"en": "24/7", "ar": "على مدار الساعة"},
        "languages": ["ar"],
        "source": "https://example.org/page",
        "status": "official",
        "page_seen": dt.date(2026, 11, 1),
        "checked_live": None,
    }
    service.update(overrides)
    return service


def _country(code="XX", services=None, **overrides):
    data = {
        "country": code,
        "name": {"en": "Testland", "ar": "بلد الاختبار"},
        "emergency_number": {
            "number": "112",
            "status": "official",
            "source": "https://example.org/e",
            "page_seen": dt.date(2026, 11, 1),
            "checked_live": None,
        },
        "names": {"en": ["testland"], "ar": ["بلد الاختبار"], "ar-latn": ["testlandia"]},
        "services": services if services is not None else [_service()],
    }
    data.update(overrides)
    return data


def _write(folder, name, data):
    (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def tmp_directory(tmp_path):
    """A folder holding a copy of the real world.yml, ready for test countries."""
    shutil.copy(hotlines.DEFAULT_DIRECTORY / "world.yml", tmp_path / "world.yml")
    return tmp_path


# --- the real files ----------------------------------------------------------------------------------------


def test_real_directory_validates():
    report = validate.validate()
    assert report.errors == []
    assert report.countries >= len(EXPECTED)
    assert report.by_status["official"] > 0


def test_validator_command_exits_zero_on_real_files(capsys):
    assert validate.main([]) == 0
    assert " 0 errors" in capsys.readouterr().out


def test_all_requested_countries_and_world_are_present():
    assert EXPECTED <= set(hotlines.countries())
    assert hotlines.get("WORLD") is not None
    world_ids = {s["id"] for s in hotlines.get("WORLD")["services"]}
    assert {
        "world_take_it_down",
        "world_ncmec_cybertipline",
        "world_child_helpline_international",
        "world_inhope",
        "world_stopncii",
    } <= world_ids


def test_every_service_id_is_unique_and_prefixed():
    ids = []
    for code, entry in hotlines.load().items():
        prefix = "world_" if code == "WORLD" else code.lower() + "_"
        for service in entry["services"]:
            assert service["id"].startswith(prefix)
            ids.append(service["id"])
    assert len(ids) == len(set(ids))


# --- official_services never leaks a non-official entry ---------------------------------------------------------


@pytest.mark.parametrize("code", sorted(EXPECTED) + ["WORLD", None, "ZZ", "eg"])
def test_official_services_returns_only_official(code):
    for kinds in [None] + [[kind] for kind in hotlines.KINDS] + [["child_helpline", "police_cyber", "removal"]]:
        for include_world in (True, False):
            services = hotlines.official_services(code, kinds=kinds, include_world=include_world)
            assert all(s["status"] == "official" for s in services), (code, kinds)
            if kinds is not None:
                assert all(s["kind"] in kinds for s in services)


def test_official_services_skips_secondary_and_unconfirmed(tmp_directory):
    _write(
        tmp_directory,
        "xx.yml",
        _country(
            services=[
                _service(id="xx_official"),
                _service(id="xx_secondary", status="secondary"),
                _service(id="xx_unconfirmed", status="unconfirmed", phone="not a number"),
            ]
        ),
    )
    ids = [s["id"] for s in hotlines.official_services("XX", include_world=False, directory=tmp_directory)]
    assert ids == ["xx_official"]
    everything = [s["id"] for s in hotlines.get("XX", directory=tmp_directory)["services"]]
    assert everything == ["xx_official", "xx_secondary", "xx_unconfirmed"]


def test_world_fallback_for_unknown_country():
    unknown = hotlines.official_services("ZZ")
    assert unknown and all(s["id"].startswith("world_") for s in unknown)


def test_world_fallback_fills_gaps_only(tmp_directory):
    # XX has its own official child helpline but no CSAM hotline.
    _write(tmp_directory, "xx.yml", _country(services=[_service(id="xx_helpline")]))
    # XY has its own official CSAM hotline.
    hotline = _service(id="xy_hotline", kind="csam_hotline", web="https://hotline.example.org")
    xy = _country(code="XY", services=[hotline])
    xy["names"] = {"en": ["otherland"], "ar": ["بلد آخر"], "ar-latn": ["otherlandia"]}
    _write(tmp_directory, "xy.yml", xy)

    xx = [s["id"] for s in hotlines.official_services("XX", directory=tmp_directory)]
    assert xx[0] == "xx_helpline"  # the country's own lines come first
    assert "world_ncmec_cybertipline" in xx and "world_take_it_down" in xx
    assert "world_findahelpline" not in xx  # XX has its own child helpline
    xy_ids = [s["id"] for s in hotlines.official_services("XY", directory=tmp_directory)]
    assert xy_ids[0] == "xy_hotline"
    assert "world_ncmec_cybertipline" not in xy_ids and "world_inhope" not in xy_ids
    assert "world_take_it_down" in xy_ids  # removal tools are always added
    assert "world_findahelpline" in xy_ids  # XY has no child helpline of its own
    assert hotlines.official_services("XX", include_world=False, directory=tmp_directory)[0]["id"] == "xx_helpline"


def test_world_fallback_does_not_repeat_a_service_the_country_lists():
    removal = hotlines.official_services("US", kinds=["removal"])
    webs = [s["web"] for s in removal]
    assert webs.count("https://takeitdown.ncmec.org") == 1


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError):
        hotlines.official_services("EG", kinds=["hotline"])


def test_emergency_number_only_when_official():
    for code in hotlines.countries():
        number = hotlines.get(code)["emergency_number"]
        if number and number["status"] == "official":
            assert hotlines.emergency_number(code) == number["number"]
        else:
            assert hotlines.emergency_number(code) is None
    assert hotlines.emergency_number("ZZ") is None


def test_get_returns_a_copy():
    entry = hotlines.get("EG")
    entry["services"].clear()
    assert hotlines.get("EG")["services"]


# --- the validator catches broken files -----------------------------------------------------------------------


def test_validator_catches_a_broken_file(tmp_directory, capsys):
    broken = _country(
        services=[
            _service(
                id="xx_broken",
                kind="hotline",  # not a kind
                handles={"en": "Only English"},  # Arabic missing
                hours={"en": "24/7", "ar": ""},  # empty Arabic
                source="http://example.org/page",  # not https
                status="official",
                phone="call the office",  # official entry, not a phone number
                page_seen=dt.date.today() + dt.timedelta(days=30),  # future
                notes="extra key",
            ),
            _service(id="xx_no_source", source=None, status="maybe", page_seen="yesterday", checked_live="today"),
            _service(id="xx_no_audience", audience=None),  # official: must say whom it is for
            _service(id="xx_live_before_seen", checked_live=dt.date(2026, 10, 1)),  # before page_seen
            _service(id="xx_no_source"),  # duplicate id
        ]
    )
    broken["emergency_number"] = {
        "number": "call us",
        "status": "official",
        "source": "https://example.org",
        "page_seen": dt.date(2026, 1, 1),
        "checked_live": None,
    }
    _write(tmp_directory, "xx.yml", broken)

    report = validate.validate(tmp_directory)
    text = "\n".join(report.errors)
    assert "kind must be one of" in text
    assert "handles: must be a mapping with exactly the keys en and ar" in text
    assert "hours: 'ar' text is missing or empty" in text
    assert "not an https URL: 'http://example.org/page'" in text
    assert "does not look like a phone number: 'call the office'" in text
    assert "is in the future" in text
    assert "unknown keys: notes" in text
    assert "an https source URL is required" in text
    assert "status must be one of" in text
    assert "'page_seen' must be a date" in text
    assert "'checked_live' must be null or a date" in text
    assert "xx_no_audience: audience: must be a mapping" in text
    assert "'checked_live' date 2026-10-01 is before 'page_seen'" in text
    assert "duplicate id" in text
    assert "emergency_number: number does not look like a phone number" in text

    assert validate.main(["--dir", str(tmp_directory)]) == 1
    assert "ERROR xx.yml" in capsys.readouterr().out


def test_validator_catches_schema_errors_at_file_level(tmp_directory):
    data = _country(code="XX")
    del data["names"]
    data["name"] = {"en": "Testland"}
    _write(tmp_directory, "xy.yml", data)  # wrong file name for XX
    report = validate.validate(tmp_directory)
    text = "\n".join(report.errors)
    assert "missing keys: names" in text
    assert "must be named xx.yml" in text
    assert "name: must be a mapping with exactly the keys en and ar" in text


def test_validator_catches_a_name_listed_for_two_countries(tmp_directory):
    _write(tmp_directory, "xx.yml", _country(code="XX"))
    other = _country(code="XY", services=[_service(id="xy_line")])
    other["names"]["en"] = ["Testland"]
    _write(tmp_directory, "xy.yml", other)
    assert any("also listed for XX" in e for e in validate.validate(tmp_directory).errors)


def test_validator_requires_world_file(tmp_path):
    _write(tmp_path, "xx.yml", _country())
    assert any("world.yml" in e for e in validate.validate(tmp_path).errors)


def test_stale_entries_are_warnings_not_errors(tmp_directory, capsys):
    _write(tmp_directory, "xx.yml", _country(services=[_service(page_seen=dt.date(2020, 1, 1))]))
    report = validate.validate(tmp_directory)
    assert report.errors == []
    assert any("xx_test_line" in line for line in report.stale)
    assert validate.main(["--dir", str(tmp_directory)]) == 0
    assert "WARNING" in capsys.readouterr().out


def test_good_test_file_passes(tmp_directory):
    _write(tmp_directory, "xx.yml", _country())
    assert validate.validate(tmp_directory).errors == []


@pytest.mark.parametrize(
    "value", ["16000", "0800 1111", "1-800-THE-LOST", "1.888.PREVENT", "+44 1372 847 161", "000", "11 11", "4003 4000"]
)
def test_phone_shapes_accepted(value):
    assert validate.looks_like_phone(value)


@pytest.mark.parametrize("value", ["call us", "", "n/a", "see website", "1", None, 16000])
def test_phone_shapes_rejected(value):
    assert not validate.looks_like_phone(value)


# --- page seen versus checked live, and what families are shown ------------------------------------------------


def test_validator_lists_every_entry_not_checked_live(tmp_directory, capsys):
    _write(
        tmp_directory,
        "xx.yml",
        _country(
            services=[
                _service(id="xx_seen_only"),
                _service(id="xx_checked", checked_live=dt.date(2026, 11, 2)),
                _service(id="xx_secondary", status="secondary", audience=None),
            ]
        ),
    )
    report = validate.validate(tmp_directory)
    assert report.errors == []
    listed = "\n".join(report.not_live)
    assert "[official] xx_seen_only" in listed and "xx_secondary" in listed and "XX emergency number 112" in listed
    assert "xx_checked" not in listed
    assert validate.main(["--dir", str(tmp_directory)]) == 0
    out = capsys.readouterr().out
    assert "NOT CHECKED LIVE" in out and "  - [official] xx_seen_only: page seen 2026-11-01" in out
    assert "xx_checked" not in out.split("NOT CHECKED LIVE")[1]


def test_the_real_directory_lists_its_official_entries_as_not_checked_live():
    # Nothing here has been opened on a live page yet (only stored copies could be read): every official entry
    # must be listed, so nobody mistakes a page_seen date for a live check.
    report = validate.validate()
    listed = "\n".join(report.not_live)
    for code in hotlines.countries():
        for service in hotlines.get(code)["services"]:
            if service["status"] == "official" and service["checked_live"] is None:
                assert f"[official] {service['id']}: page seen" in listed


def test_an_official_entry_with_no_way_to_reach_it_is_never_shown(tmp_directory):
    _write(tmp_directory, "xx.yml", _country(services=[_service(id="xx_no_channel", web=None, phone=None)]))
    report = validate.validate(tmp_directory)
    assert report.errors == [] and any("xx_no_channel" in line for line in report.hidden)
    assert hotlines.official_services("XX", directory=tmp_directory) == [
        s for s in hotlines.official_services("XX", directory=tmp_directory) if s["id"] != "xx_no_channel"
    ]
    assert all(s["id"] != "xx_no_channel" for s in hotlines.official_services("XX", directory=tmp_directory))


def test_the_content_check_passes_on_the_real_directory():
    assert validate.shown_problems() == []


def test_the_content_check_catches_a_shown_service_without_an_audience_note(tmp_directory):
    _write(tmp_directory, "xx.yml", _country(services=[_service(id="xx_silent", audience={"en": "Anyone", "ar": ""})]))
    assert any(
        "xx_silent: shown without a note on whom it is for (ar)" in p for p in validate.shown_problems(tmp_directory)
    )


@pytest.mark.parametrize("code", ["EG"])
def test_a_line_that_is_not_child_protection_is_never_offered(code):
    # Egypt's NCCM mother-and-child health line (16021) is official but is not support for this problem.
    from safe_harbour.directory.render import PURPOSES, services_answer

    for purpose in PURPOSES:
        answer = services_answer(code, purpose, "en")
        assert "eg_nccm_mother_child_health_line" not in answer["services"]
        assert "16021" not in answer["text"]


def test_inhope_is_offered_only_when_the_country_is_unknown():
    arab_states = ["SA", "AE", "KW", "QA", "BH", "OM", "JO", "EG", "IQ", "LB", "PS", "TN", "DZ", "MA"]
    for code in arab_states:
        assert all(s["id"] != "world_inhope" for s in hotlines.official_services(code))
    assert any(s["id"] == "world_inhope" for s in hotlines.official_services(None))


def test_every_shown_service_says_whom_it_is_for_in_the_answer():
    from safe_harbour.directory.render import services_answer

    answer = services_answer("SA", "report_hotline", "en")
    assert (
        "Take It Down" in answer["text"]
        and "(Images taken when the person was under 18, from any country)" in answer["text"]
    )
    assert "(Adults: images taken at 18 or over)" in answer["text"]


def test_the_child_helpline_international_link_appears_only_once_verified():
    from safe_harbour.directory.render import PURPOSES, services_answer

    chi = next(s for s in hotlines.get("WORLD")["services"] if s["id"] == "world_child_helpline_international")
    for code in hotlines.countries() + [None]:
        for purpose in PURPOSES:
            answer = services_answer(code, purpose, "en")
            if answer and chi["status"] != "official":
                assert "childhelplineinternational" not in answer["text"]
