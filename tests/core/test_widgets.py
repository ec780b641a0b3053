"""core.widgets.Select draws what Django's Select draws (the same tags, attributes and
text; Django's templates add only line breaks between the tags)."""

import re

import pytest
from django import forms

from evidence.forms import AuditFilterForm, QueueFilterForm
from zi_portal.core.widgets import Select

CHOICES = [("", "Semua"), ("MP", "MP"), ("<b>", 'Tom & "Jerry"'), (3, "TW III")]
GROUPED = [("Area", [("MP", "MP"), ("PW", "PW")]), ("", "Tanpa")]


@pytest.mark.parametrize("choices", [CHOICES, GROUPED])
@pytest.mark.parametrize("value", ["", "MP", "<b>", 3, None, "tidak ada"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_area", "required": True, "disabled": False}])
def test_same_html_as_django(choices, value, attrs):
    ours = Select(choices=choices).render("area", value, attrs)
    django = forms.Select(choices=choices).render("area", value, attrs)
    assert str(ours) == re.sub(r">\s+<", "><", str(django)).strip()


def test_the_filter_forms_use_it_and_keep_their_choice():
    form = QueueFilterForm({"area": "PW", "state": "all"}, area_codes=["MP", "PW"])
    html = str(form["area"]) + str(form["state"])
    assert '<option value="PW" selected>PW</option>' in html
    assert '<option value="all" selected>Semua</option>' in html
    assert isinstance(AuditFilterForm().fields["user"].widget, Select)
