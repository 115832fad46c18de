"""``{{ unit|unit_name }}``: a unit's name in the language of the page; ``{{ user|person_name }}``."""

from django import template
from django.contrib.auth.base_user import AbstractBaseUser

from govindex.languages import active_language
from govindex.orgs.models import Unit

register = template.Library()


@register.filter
def unit_name(unit: Unit) -> str:
    return unit.name_in(active_language())


@register.filter
def person_name(user: AbstractBaseUser) -> str:
    """A person's name in Vietnamese order (family name first), or the user name."""
    family = getattr(user, "last_name", "")
    given = getattr(user, "first_name", "")
    return f"{family} {given}".strip() or user.get_username()


@register.filter
def localised(thing: object) -> str:
    """Any record with ``name_in(language)`` (feedback categories, units …), in the page's
    language."""
    return str(thing.name_in(active_language()))  # type: ignore[attr-defined]
