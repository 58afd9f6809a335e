"""The public suffix list (tldextract's bundled snapshot: never fetched, nothing cached on disk), the one
authority on which endings make a domain."""

import tldextract

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)

# Country endings that are also everyday English words: "so.it" or "home.in" is a missing space, not a site.
WORD_ENDINGS = frozenset("am as at be by do go in is it me my no so to us".split())


def split(host: str) -> "tldextract.tldextract.ExtractResult":
    """subdomain, domain and suffix of a host name ("report", "cybertip", "org")."""
    return _EXTRACT(host.lower())


def is_suffix(word: str) -> bool:
    """True for an ending of the list ("com", "co.uk"), not for "he" or "js"."""
    return _EXTRACT("example." + word.lower()).suffix == word.lower()
