"""Country directory of hotlines: data in directory/countries/*.yml, look-ups here.

Only ``official_services`` (and ``emergency_number``) should feed anything shown to families.
"""

from safe_harbour.directory.hotlines import (  # noqa: F401
    DEFAULT_DIRECTORY,
    KINDS,
    STATUSES,
    WORLD,
    countries,
    emergency_number,
    get,
    load,
    official_services,
)
from safe_harbour.directory.recognise import find_ambiguous, find_countries, find_country  # noqa: F401
