"""Framework nodes in templates, in the language of the page: ``{{ node|node_name }}``,
``{{ node|node_guidance }}``."""

from django import template
from django.utils.translation import get_language

from govindex.scoring import Node

register = template.Library()


def _language() -> str:
    return (get_language() or "vi").split("-")[0]


@register.filter
def node_name(node: Node) -> str:
    return node.name(_language())


@register.filter
def node_guidance(node: Node) -> str:
    guidance = node.guidance
    return guidance.get(_language()) or guidance.get("vi") or guidance.get("en") or ""
