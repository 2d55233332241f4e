from django import template

from sengen.core.eras import fiscal_year_label
from sengen.core.numbers import format_rate

from .. import labels

register = template.Library()


@register.filter
def fy(year: int) -> str:
    """A fiscal year as the reader's language writes it: 平成29年度 / FY2017."""
    return labels.year_label(int(year))


@register.filter
def fy_ja(year: int) -> str:
    return fiscal_year_label(int(year))


@register.filter
def phase(value: str) -> str:
    return labels.PHASES.get(value, value)


@register.filter
def evaluation(value: str) -> dict:
    return labels.EVALUATIONS.get(value or "not_evaluated", labels.EVALUATIONS["not_evaluated"])


@register.filter
def field_label(value: str) -> str:
    return labels.SEARCH_FIELDS.get(value, value)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def rate(value) -> str:
    """An achievement rate (0.985) as the public and staff pages both print it: 98.5%."""
    return format_rate(value)
