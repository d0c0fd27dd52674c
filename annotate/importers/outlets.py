"""Known outlets: how they are named in bylines and credits, their domains and kinds.

A small gazetteer: an outlet not listed here is still found from its URL's domain or a
dateline, under the name the text gives it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Outlet:
    name: str
    domain: str
    kind: str  # a Source.Kind value
    aliases: tuple[str, ...]


OUTLETS: tuple[Outlet, ...] = (
    Outlet("Sputnik Arabic", "sarabic.ae", "agency", ("سبوتنيك عربي", "سبوتنيك", "Sputnik Arabic")),
    Outlet("RIA Novosti", "ria.ru", "agency", ("РИА Новости", "RIA Novosti")),
    Outlet("TASS", "tass.ru", "agency", ("ТАСС", "TASS")),
    Outlet("Al-Modon", "almodon.com", "newspaper", ("المدن", "Al-Modon", "Almodon")),
    Outlet("SANA", "sana.sy", "agency", ("سانا", "SANA", "وكالة الأنباء السورية")),
    Outlet("RT Arabic", "arabic.rt.com", "broadcaster", ("روسيا اليوم", "RT Arabic")),
    Outlet("Reuters", "reuters.com", "agency", ("رويترز", "Reuters", "Рейтер")),
    Outlet("Interfax", "interfax.ru", "agency", ("Интерфакс", "Interfax")),
    Outlet("Lenta.ru", "lenta.ru", "newspaper", ("Лента.ру", "Lenta.ru")),
    Outlet("RBC", "rbc.ru", "newspaper", ("РБК", "RBC")),
    Outlet("Al Jazeera", "aljazeera.net", "broadcaster", ("الجزيرة", "Al Jazeera")),
    Outlet("Al-Araby Al-Jadeed", "alaraby.co.uk", "newspaper", ("العربي الجديد",)),
)

_BY_ALIAS = {alias.casefold(): o for o in OUTLETS for alias in o.aliases}


# A URL whose whole network location is a plain host (letters, digits, dots, hyphens) and
# perhaps a port: no user part ("user:pw@host"), where urlsplit's host is after the "@".
_PLAIN_HOST = re.compile(r"https?://([A-Za-z0-9.-]+)(?::[0-9]*)?(?:[/?#]|$)", re.IGNORECASE)


def domain_of(url: str) -> str:
    plain = _PLAIN_HOST.match(url)  # the usual case, at a fifth of urlsplit's cost
    host = (plain.group(1) if plain else urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def outlet_by_domain(domain: str) -> Outlet | None:
    for outlet in OUTLETS:
        if domain == outlet.domain or domain.endswith("." + outlet.domain):
            return outlet
    return None


def outlet_by_alias(text: str) -> Outlet | None:
    return _BY_ALIAS.get(text.strip().casefold())


def known_aliases() -> list[str]:
    """Every alias, longest first (so a regex alternation prefers the longer name)."""
    return sorted((a for o in OUTLETS for a in o.aliases), key=len, reverse=True)
