"""Absolute links for e-mails: the reverse-once helper gives what ``reverse`` gives."""

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from zi_portal.core.links import absolute_url, absolute_url_of_pk, path_of_pk


@pytest.mark.parametrize("pk", [1, 42, 918273645, 10**9])
def test_a_pk_link_is_the_reversed_link(pk):
    assert absolute_url_of_pk("evidence:item")(pk) == absolute_url("evidence:item", pk)


def test_a_pk_link_follows_the_site_address():
    before = absolute_url_of_pk("evidence:item")(7)
    with override_settings(ZI_SITE_URL="https://zi.example.go.id/portal/"):
        link = absolute_url_of_pk("evidence:item")(7)
        assert link == absolute_url("evidence:item", 7)
    assert link.startswith("https://zi.example.go.id/portal/") and link != before


def test_a_view_without_a_pk_is_refused():
    with pytest.raises(Exception):  # noqa: B017 - NoReverseMatch or ValueError
        absolute_url_of_pk("monev:tasks")


def test_a_path_of_a_pk_is_the_path_reverse_gives():
    for name in ("evidence:download", "evidence:item", "evidence:review", "evidence:preview"):
        assert path_of_pk(name, 42) == reverse(name, args=[42])
    with pytest.raises(NoReverseMatch):
        path_of_pk("evidence:queue", 1)
