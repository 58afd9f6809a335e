"""Turns a country's official services into an answer for families, in English or Arabic.

Everything shown comes from ``official_services`` and ``emergency_number``, so only entries with status
``official`` can ever reach a family. Names, hours and text keywords are taken from the directory's ``en``
and ``ar`` fields; numbers and web addresses exactly as the directory writes them. The answer's sources are
the pages each fact was verified on.
"""

from __future__ import annotations

from typing import Any

from safe_harbour.directory import hotlines

# What each topic needs from the directory: the kinds of service, and whether the emergency number helps.
PURPOSES: dict[str, dict] = {
    "report_hotline": {"kinds": ["csam_hotline", "police_cyber", "removal"], "emergency": False},
    "report_police": {"kinds": ["police_cyber", "emergency"], "emergency": True},
    "inform_country": {
        "kinds": ["child_helpline", "csam_hotline", "police_cyber", "removal", "parent_support"],
        "emergency": True,
    },
    "crisis_self_harm": {"kinds": ["crisis_line", "child_helpline"], "emergency": True},
    "immediate_danger": {"kinds": ["emergency", "child_helpline"], "emergency": True},
    "request_human": {"kinds": ["child_helpline", "parent_support", "crisis_line"], "emergency": True},
}
DEFAULT_PURPOSE = "inform_country"

# Per language: headings by topic, then the sentences around the services.
_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "heading": {
            "report_hotline": "Where to report in {country}:",
            "report_police": "Police contacts in {country}:",
            "inform_country": "Services in {country}:",
            "crisis_self_harm": "Crisis and child helplines in {country}:",
            "immediate_danger": "Emergency contacts in {country}:",
            "request_human": "Helplines in {country} where you can talk to a person:",
        },
        "world_heading": "Services that work from any country:",
        "emergency": "Emergency number: {number}",
        "call": "call {phone}",
        "any_country": "works from any country",
        "no_emergency": (
            "If anyone is in danger now, call your country's emergency number. I could not confirm "
            "the number for {country} on an official page, so I won't guess it."
        ),
        "none_checked": (
            "I could not confirm a contact of this kind for {country} on an official page, so I won't "
            "give you one I can't stand behind. What you can still do from {country}: report the "
            "account and the post in the app itself; use the services below, which work from any "
            "country; keep the messages, names and links as evidence (never the image); and ask here "
            "to talk to a person."
        ),
        "locale_guess": (
            "I used {country} because of your device's language and region setting. If you're in "
            "another country, just tell me which one."
        ),
        "unknown_country": ("I don't have services for that country in my list yet. These work from any country:"),
    },
    "ar": {
        "heading": {
            "report_hotline": "أين تبلّغ في {country}:",
            "report_police": "جهات الشرطة في {country}:",
            "inform_country": "الخدمات المتاحة في {country}:",
            "crisis_self_harm": "خطوط الأزمات ومساعدة الأطفال في {country}:",
            "immediate_danger": "أرقام الطوارئ في {country}:",
            "request_human": "خطوط مساعدة في {country} يمكنك التحدث فيها مع شخص:",
        },
        "world_heading": "خدمات تعمل من أي بلد:",
        "emergency": "رقم الطوارئ: {number}",
        "call": "اتصل على {phone}",
        "any_country": "تعمل من أي بلد",
        "no_emergency": (
            "إن كان أحدٌ في خطر الآن، فاتصل برقم الطوارئ في بلدك. لم أتمكن من التأكد من رقم "
            "{country} في صفحة رسمية، لذلك لن أخمّنه."
        ),
        "none_checked": (
            "لم أتمكن من التأكد من جهة من هذا النوع في {country} في صفحة رسمية، لذلك لن أعطيك "
            "جهة لا أستطيع أن أضمنها. ما يمكنك فعله من {country}: الإبلاغ عن الحساب والمنشور داخل "
            "التطبيق نفسه؛ واستخدام الخدمات أدناه، فهي تعمل من أي بلد؛ والاحتفاظ بالرسائل والأسماء "
            "والروابط دليلًا (دون الصورة أبدًا)؛ وطلب التحدث مع شخص هنا."
        ),
        "locale_guess": ("اعتمدتُ {country} بحسب إعداد اللغة والمنطقة في جهازك. إن كنت في بلد آخر، فاكتب لي اسمه فقط."),
        "unknown_country": "ليست لديّ بعدُ خدمات لهذا البلد في قائمتي. هذه الخدمات تعمل من أي بلد:",
    },
}

_LRM = "\u200e"  # keeps "+44 ..." reading left to right inside Arabic text


def _lang(language: str | None) -> str:
    return "ar" if language == "ar" else "en"


def _field(value, lang: str) -> str | None:
    """A bilingual {en, ar} field in the answer's language (English if the Arabic is missing)."""
    if isinstance(value, dict):
        return value.get(lang) or value.get("en")
    return value


def _in_sentence(name: str, lang: str) -> str:
    """English needs "the" before some country names ("in the United Kingdom")."""
    return f"the {name}" if lang == "en" and name.split()[0] in ("United", "Netherlands", "Philippines") else name


def country_name(code: str | None, language: str | None = "en") -> str | None:
    entry = hotlines.get(code) if code else None
    return _field(entry.get("name"), _lang(language)) if entry else None


def _phone(phone: str, lang: str) -> str:
    return f"{_LRM}{phone}" if lang == "ar" and phone.startswith("+") else phone


def service_line(service: dict, language: str | None = "en") -> str:
    """One bullet: the service name, then how to reach it (phone, text, web) and its hours."""
    lang = _lang(language)
    words = _TEXT[lang]
    ways = []
    if service.get("phone"):
        ways.append(words["call"].format(phone=_phone(str(service["phone"]), lang)))
    text = _field(service.get("text"), lang)
    if text:
        ways.append(text)
    if service.get("web"):
        ways.append(service["web"])
    hours = _field(service.get("hours"), lang)
    if hours:
        ways.append(hours)
    if str(service.get("id", "")).startswith("world_"):
        ways.append(words["any_country"])
    name = _field(service.get("name"), lang) or service.get("id", "")
    audience = _field(service.get("audience"), lang)
    if audience:
        name = f"{name} ({audience})"
    return f"• {name}" + (": " + " · ".join(ways) if ways else "")


def _sources(services: list[dict], emergency_source: dict | None, lang: str) -> list[dict]:
    sources: list[dict] = []
    if emergency_source:
        sources.append(emergency_source)
    for service in services:
        url = service.get("source")
        if url and all(s["url"] != url for s in sources):
            sources.append({"title": _field(service.get("name"), lang) or service["id"], "url": url})
    return sources


def services_answer(
    country: str | None,
    purpose: str | None,
    language: str | None = "en",
    locale_guess: bool = False,
    list_world_when_unknown: bool = True,
    directory=None,
) -> dict | None:
    """The answer listing a country's official services for a topic:
    {text, metadata: {sources, reviewed}, services: [ids shown], emergency: number shown or None}.

    For a topic where the emergency number helps and the country has no official one, the answer says plainly
    to call the country's emergency number and never guesses it.

    With no (known) country, the worldwide official services are listed, or nothing (None) if
    ``list_world_when_unknown`` is False (the plain answer before it already gave them).
    """
    lang = _lang(language)
    words = _TEXT[lang]
    spec = PURPOSES.get(purpose or "", PURPOSES[DEFAULT_PURPOSE])
    entry = hotlines.get(country, directory) if country else None
    code = entry["country"] if entry else None

    services = hotlines.official_services(code, spec["kinds"], directory=directory)
    own = [s for s in services if not str(s.get("id", "")).startswith("world_")]
    world = [s for s in services if str(s.get("id", "")).startswith("world_")]
    emergency = hotlines.emergency_number(code, directory) if (code and spec["emergency"]) else None

    lines: list[str] = []
    emergency_source = None
    emergency_entry: dict | None = None  # the directory's emergency number, when the answer gives it
    if entry:
        name = _in_sentence(_field(entry["name"], lang) or entry["country"], lang)
        lines.append(words["heading"][purpose if purpose in words["heading"] else DEFAULT_PURPOSE].format(country=name))
        if emergency:
            emergency_entry = entry["emergency_number"]
            lines.append("• " + words["emergency"].format(number=emergency))
            emergency_source = {
                "title": f"{words['emergency'].split(':')[0]} ({name})",
                "url": emergency_entry["source"],
            }
        elif spec["emergency"]:
            lines.append(words["no_emergency"].format(country=name))
        lines += [service_line(s, lang) for s in own]
        if not own and purpose != "immediate_danger":  # in danger the plain "call your emergency number" is enough
            lines.append(words["none_checked"].format(country=name))
        if world:
            lines.append(words["world_heading"])
            lines += [service_line(s, lang) for s in world]
        if locale_guess:
            lines.append(words["locale_guess"].format(country=name))
    else:
        if not list_world_when_unknown or not world:
            return None
        lines.append(words["unknown_country"] if purpose == "inform_country" else words["world_heading"])
        lines += [service_line(s, lang) for s in world]

    shown = own + world
    # The newest date any shown fact was seen (on the live page if checked live, else in a stored copy).
    dates = [str(s.get("checked_live") or s.get("page_seen")) for s in shown if s.get("page_seen")]
    if emergency_entry:
        dates.append(str(emergency_entry.get("checked_live") or emergency_entry.get("page_seen")))
    metadata: dict = {}
    sources = _sources(shown, emergency_source, lang)
    if sources:
        metadata["sources"] = sources
    if dates:
        metadata["reviewed"] = max(dates)
    return {
        "text": "\n".join(lines),
        "metadata": metadata,
        "services": [s["id"] for s in shown],
        "emergency": emergency,
    }
