"""Store URLs shown to a person never carry a password."""

from __future__ import annotations

import pytest

from treatywatch.store.urls import redact_url


@pytest.mark.parametrize(
    "url,shown",
    [
        ("postgresql://tw:s3cret@db.example/treaties", "postgresql://tw:***@db.example/treaties"),
        ("postgres://tw:s3cret@[::1]:5432/tw", "postgres://tw:***@[::1]:5432/tw"),
        # an unescaped "/" or "@" in the password is still masked whole
        (
            "postgresql://tw:a/b@c@db:5432/tw?sslmode=require",
            "postgresql://tw:***@db:5432/tw?sslmode=require",
        ),
        (
            "postgresql://db/tw?user=tw&password=s3cret&x=1",
            "postgresql://db/tw?user=tw&password=***&x=1",
        ),
        ("host=db user=tw password=s3cret dbname=tw", "host=db user=tw password=*** dbname=tw"),
        ("host=db password='s3 cret' user=tw", "host=db password=*** user=tw"),
    ],
)
def test_password_is_masked(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert "s3" not in redact_url(url) and "cret" not in redact_url(url)


@pytest.mark.parametrize(
    "url", ["postgresql://tw@db/treaties", "postgresql://db/treaties", "/tmp/tw.db", "tw.db"]
)
def test_urls_without_a_password_are_unchanged(url: str) -> None:
    assert redact_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://tw:a/s3cret@db/tw",
        "postgresql://db/tw?password=s3cret",
        "postgresql://tw:s3cret@db:99999/tw",  # a bad port must not turn the message into a crash
    ],
)
def test_connection_errors_mask_the_password_too(url: str) -> None:
    from treatywatch.store.connection import redact

    assert "s3cret" not in redact(url) and "***" in redact(url)
