from django import template

from ..dashboard.views import median_days

register = template.Library()


@register.filter
def days_to_accept(figures):
    days = median_days(figures)
    return "—" if days is None else f"{days:g} days"


@register.filter
def share_count(figures, channel):
    return figures.shares.get(channel, 0)
