"""Framework nodes in templates, in the language of the page: ``{{ node|node_name }}``,
``{{ node|node_guidance }}``."""

from django import template

from govindex.languages import active_language
from govindex.scoring import Node

register = template.Library()


@register.filter
def node_name(node: Node) -> str:
    return node.name(active_language())


@register.filter
def node_guidance(node: Node) -> str:
    guidance = node.guidance
    return guidance.get(active_language()) or guidance.get("vi") or guidance.get("en") or ""
