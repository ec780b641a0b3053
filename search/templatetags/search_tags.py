"""Search results with the query's terms marked (``Query.mark``: escaped, then marked)."""

from django import template

from search.query import Query

register = template.Library()


@register.filter
def marked(text: str, query: Query):
    """``{{ hit.title|marked:query }}``: the text, cut around the match if long, with the
    terms in ``<mark>``; everything else escaped."""
    return query.mark(str(text or ""))
