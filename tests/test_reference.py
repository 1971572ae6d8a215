from __future__ import annotations

import csv
from datetime import date

import pycountry
import pytest

from treatywatch.reference import data_text, organization, resolve_country


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Czech Republic", "CZ"),
        ("Czechia", "CZ"),
        ("Macedonia", "MK"),
        ("North Macedonia", "MK"),
        ("West Germany", "DE"),
        ("United States", "US"),
        ("Montenegro", "ME"),
        ("Netherlands", "NL"),
    ],
)
def test_alternate_and_historical_names_resolve(name: str, code: str) -> None:
    assert resolve_country(name) == code


def test_unknown_names_do_not_resolve() -> None:
    assert resolve_country("Atlantis") is None
    assert resolve_country("") is None


def test_every_alias_code_is_iso_3166() -> None:
    for row in csv.DictReader(data_text("country-aliases.csv").splitlines()):
        code = row["code"]
        known = pycountry.countries.get(alpha_2=code) or pycountry.historic_countries.get(
            alpha_2=code
        )
        assert known is not None, row


def test_nato_members_have_a_source_each() -> None:
    rows = list(csv.DictReader(data_text("nato-members.csv").splitlines()))
    assert len(rows) == 32
    for r in rows:
        assert r["source_url"].startswith("http"), r
        assert r["source_quote"].strip(), r
        assert pycountry.countries.get(alpha_2=r["code"]) is not None


@pytest.mark.parametrize(
    ("day", "count"),
    [
        (date(1949, 8, 24), 12),
        (date(1952, 2, 18), 14),
        (date(1999, 3, 11), 16),
        (date(2016, 5, 19), 28),
        (date(2017, 6, 5), 29),
        (date(2024, 3, 7), 32),
    ],
)
def test_nato_membership_history(day: date, count: int) -> None:
    assert len(organization("NATO").members_on(day)) == count


def test_procedure_is_ordered() -> None:
    kinds = [k.kind for k in organization("NATO").procedure]
    assert (
        kinds.index("membership_action_plan")
        < kinds.index("invitation")
        < kinds.index("protocol_signed")
        < kinds.index("membership")
    )


def test_eu_members_have_a_source_each_and_the_uk_left() -> None:
    rows = list(csv.DictReader(data_text("eu-members.csv").splitlines()))
    assert len(rows) == 28
    for r in rows:
        assert r["source_url"].startswith("https://europa.eu/") and r["source_quote"], r
        assert pycountry.countries.get(alpha_2=r["code"]) is not None
    eu = organization("EU")
    assert [len(eu.members_on(d)) for d in (date(1958, 1, 1), date(2011, 12, 9))] == [6, 27]
    assert "GB" in {m.code for m in eu.members_on(date(2020, 1, 31))}
    assert "GB" not in {m.code for m in eu.members_on(date(2020, 2, 1))}
