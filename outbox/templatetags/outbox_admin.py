from django import template

from ..models import OutboxEmail, OutboxState

register = template.Library()


@register.simple_tag
def outbox_failed_count():
    return OutboxEmail.objects.in_state(OutboxState.FAILED).count()
