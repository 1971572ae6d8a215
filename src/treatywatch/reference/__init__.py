"""Reference data shipped with the package: organizations, memberships, country names."""

from __future__ import annotations

import csv
import json
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

from treatywatch.domain.dates import parse_edtf_date
from treatywatch.domain.model import Membership, MilestoneKind, Organization
from treatywatch.errors import NotFoundError


def data_text(name: str) -> str:
    return (resources.files("treatywatch") / "data" / name).read_text(encoding="utf-8")


def _fold(name: str) -> str:
    """Compare names without case, accents or punctuation."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("&", "and").replace(".", "").replace("'", "").replace("’", "")
    return " ".join(s.lower().replace("-", " ").replace("–", " ").split())


@cache
def _aliases() -> dict[str, str]:
    rows = csv.DictReader(data_text("country-aliases.csv").splitlines())
    return {_fold(r["alias"]): r["code"] for r in rows}


@cache
def _ioc_codes() -> dict[str, str]:
    rows = csv.DictReader(data_text("ioc-codes.csv").splitlines())
    return {r["ioc"]: r["code"] for r in rows}


def resolve_flag(text: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a flag template's country: an IOC code where it differs
    from ISO alpha-3 ({{flagicon|GER}}, ``data/ioc-codes.csv``), else a country's code or name."""
    return _ioc_codes().get(text.strip().upper()) or resolve_country(text)


@cache
def country_names() -> dict[str, str]:
    """Display names by code: our members' English short names first, then ISO 3166."""
    names: dict[str, str] = {}
    for org in organizations().values():
        for m in org.memberships:
            names.setdefault(m.code, m.name)
    return names


def resolve_country(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name, alternate or historical; None if unknown."""
    key = _fold(name)
    if not key:
        return None
    if key in _aliases():
        return _aliases()[key]
    import pycountry  # loads its database lazily; only needed on the import path

    try:
        code: str = pycountry.countries.lookup(name.strip()).alpha_2
        return code
    except LookupError:
        pass
    return _iso_names().get(key)


@cache
def _iso_names() -> dict[str, str]:
    """ISO 3166 names, folded: the first country (in ISO order) that has each one."""
    import pycountry

    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                names.setdefault(_fold(value), str(c.alpha_2))
    return names


def country_name(code: str) -> str:
    """A display name for a code: the member file's English name, else ISO 3166's."""
    if code in country_names():
        return country_names()[code]
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    if c is None:
        return code
    return str(getattr(c, "common_name", None) or c.name)


def _memberships(file: str | None) -> tuple[Membership, ...]:
    if not file:
        return ()
    rows = csv.DictReader(data_text(file).splitlines())
    return tuple(
        Membership(
            code=r["code"],
            name=r["name"],
            joined=parse_edtf_date(r["joined"]),
            left=parse_edtf_date(r["left"]) if r.get("left") else None,
            source_url=r["source_url"],
            source_quote=r["source_quote"],
        )
        for r in rows
    )


def _organization(raw: dict[str, Any]) -> Organization:
    return Organization(
        code=raw["code"],
        name=raw["name"],
        aliases=tuple(raw["aliases"]),
        procedure=tuple(
            MilestoneKind(p["kind"], p["label"], tuple(p["aliases"])) for p in raw["procedure"]
        ),
        required_ratifiers=raw["required_ratifiers"],
        entry_into_force_rule=raw["entry_into_force"]["rule"],
        entry_into_force_text=raw["entry_into_force"]["text"],
        memberships=_memberships(raw.get("members_file")),
    )


@cache
def organizations() -> dict[str, Organization]:
    raw = json.loads(data_text("organizations.json"))
    return {o["code"]: _organization(o) for o in raw["organizations"]}


def organization(code: str) -> Organization:
    """The organization of this code; one this version does not know (a store written by
    another version may name it) is a clear error, not a crash."""
    known = organizations()
    if code not in known:
        raise NotFoundError(
            f"no organization {code!r} in this treatywatch's reference data "
            f"(known: {', '.join(known)}); was the store written by another version?"
        )
    return known[code]


def resolve_organization(name: str) -> Organization | None:
    key = _fold(name)
    for org in organizations().values():
        if key in {_fold(a) for a in (org.code, org.name, *org.aliases)}:
            return org
    return None
