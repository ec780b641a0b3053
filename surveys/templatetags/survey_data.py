"""The survey page's data panel: the XLSX download of every response, and for the Ketua
Tim the import of responses collected elsewhere with its templates and the files
imported so far (reads only; the form posts to ``views_data``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import template

from zi_portal.accounts.permissions import Action, can

from ..choices import SurveyStatus
from ..imports import MAX_ROWS, template_columns

register = template.Library()


@dataclass
class DataPanel:
    may_import: bool
    import_open: bool  # the survey takes imports (open or closed; a draft does not)
    columns: list[str] = field(default_factory=list)
    imports: list[Any] = field(default_factory=list)
    imported: int = 0
    max_rows: int = MAX_ROWS


@register.simple_tag(takes_context=True)
def data_panel(context: template.Context) -> DataPanel:
    survey, user = context["survey"], context["request"].user
    may_manage = context.get("may_manage")
    if may_manage is None:
        may_manage = can(user, Action.MANAGE_SURVEYS, survey)
    if not may_manage:
        return DataPanel(may_import=False, import_open=False)
    imports = list(survey.imports.select_related("imported_by"))
    results = context.get("results")  # the page's, with the questions already read
    questions = results.questions if results is not None else None
    return DataPanel(
        may_import=True,
        import_open=survey.status != SurveyStatus.DRAFT,
        columns=template_columns(survey, questions),
        imports=imports,
        imported=sum(i.rows for i in imports),
    )
