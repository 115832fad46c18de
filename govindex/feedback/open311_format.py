"""Open311 GeoReport v2 documents: XML and JSON from the same data, and the service-definition
attributes. Pure (no database).

The specification (http://wiki.open311.org/GeoReport_v2, frozen): XML is required, JSON is its
"Spark convention" mapping — a list element ``<services><service>…</service></services>`` is a
JSON array of objects; booleans are ``true``/``false``; date-times are W3C (ISO 8601) with a
zone; UTF-8 everywhere, and the XML declaration names the encoding.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from django.utils import timezone

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
CONTENT_TYPES = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
#: The element name of one item of each list element.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


def w3_datetime(moment: datetime | None) -> str | None:
    """``2025-03-10T09:00:00+07:00``: Hanoi time with its offset, to the second."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return w3_datetime(value)
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3_datetime(value)
    return str(value)


def _fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _fill(ElementTree.SubElement(element, key), item)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES[element.tag]
        for item in value:
            _fill(ElementTree.SubElement(element, item_name), item)
    else:
        element.text = _text(value)


def render_xml(root: str, data: Any) -> str:
    """``data`` (a list for a list element, a mapping otherwise) as a GeoReport XML document."""
    element = ElementTree.Element(root)
    _fill(element, data)
    return XML_DECLARATION + ElementTree.tostring(element, encoding="unicode")


def render_json(data: Any) -> str:
    return json.dumps(_plain(data), ensure_ascii=False)


def render(fmt: str, root: str, data: Any) -> str:
    return render_xml(root, data) if fmt == "xml" else render_json(data)


def errors_document(errors: Sequence[tuple[int, str]]) -> list[dict[str, Any]]:
    return [{"code": code, "description": description} for code, description in errors]


# Service-definition attributes ------------------------------------------------------------------


def attribute_definition_problems(attributes: Any) -> list[str]:
    """What is wrong with a category's attribute list (empty when it is valid).

    Each attribute: ``code`` (unique), ``datatype`` (one of ``DATATYPES``), ``required`` (bool),
    ``description``, ``order`` (a positive integer, unique), optional ``variable`` (default
    true), ``datatype_description``, and for list datatypes ``values``: [{key, name}, …].
    """
    if not isinstance(attributes, list):
        return ["attributes must be a list"]
    problems: list[str] = []
    codes: set[str] = set()
    orders: set[int] = set()
    for index, attribute in enumerate(attributes, start=1):
        where = f"attribute {index}"
        if not isinstance(attribute, dict):
            problems.append(f"{where} must be an object")
            continue
        code = attribute.get("code")
        if not isinstance(code, str) or not code.strip():
            problems.append(f"{where} needs a code")
        elif code in codes:
            problems.append(f"{where}: code {code!r} is used twice")
        else:
            codes.add(code)
        if attribute.get("datatype") not in DATATYPES:
            problems.append(f"{where}: datatype must be one of {', '.join(DATATYPES)}")
        if not isinstance(attribute.get("required"), bool):
            problems.append(f"{where}: required must be true or false")
        if not isinstance(attribute.get("description"), str) or not attribute["description"]:
            problems.append(f"{where} needs a description")
        order = attribute.get("order")
        if isinstance(order, bool) or not isinstance(order, int) or order < 1:
            problems.append(f"{where}: order must be a positive integer")
        elif order in orders:
            problems.append(f"{where}: order {order} is used twice")
        else:
            orders.add(order)
        values = attribute.get("values", [])
        if attribute.get("datatype") in ("singlevaluelist", "multivaluelist") and not values:
            problems.append(f"{where}: a list datatype needs values")
        if not isinstance(values, list) or not all(
            isinstance(v, dict) and "key" in v and "name" in v for v in values
        ):
            problems.append(f"{where}: values must be a list of {{key, name}}")
    return problems


def service_definition(code: str, attributes: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    ordered = sorted(attributes, key=lambda attribute: attribute["order"])
    return {
        "service_code": code,
        "attributes": [
            {
                "variable": attribute.get("variable", True),
                "code": attribute["code"],
                "datatype": attribute["datatype"],
                "required": attribute["required"],
                "datatype_description": attribute.get("datatype_description") or None,
                "order": attribute["order"],
                "description": attribute["description"],
                "values": [
                    {"key": value["key"], "name": value["name"]}
                    for value in attribute.get("values", [])
                ],
            }
            for attribute in ordered
        ],
    }


def attribute_values_problems(
    definitions: Sequence[Mapping[str, Any]], given: Mapping[str, list[str]]
) -> tuple[dict[str, Any], list[str]]:
    """Check the ``attribute[code]`` values of a POST against the definitions.

    Returns the values to keep (a list for ``multivaluelist``, else one string; unknown codes
    and informational attributes are dropped) and the problems found.
    """
    kept: dict[str, Any] = {}
    problems: list[str] = []
    for definition in definitions:
        code = definition["code"]
        if not definition.get("variable", True):
            continue
        values = [value for value in given.get(code, []) if value.strip()]
        if not values:
            if definition["required"]:
                problems.append(f"attribute[{code}] is required")
            continue
        datatype = definition["datatype"]
        allowed = {str(value["key"]) for value in definition.get("values", [])}
        if datatype == "multivaluelist":
            unknown = [value for value in values if value not in allowed]
            if unknown:
                problems.append(f"attribute[{code}]: unknown value(s) {', '.join(unknown)}")
            kept[code] = values
            continue
        value = values[0]
        if datatype == "singlevaluelist" and value not in allowed:
            problems.append(f"attribute[{code}]: unknown value {value}")
        elif datatype == "number":
            try:
                float(value)
            except ValueError:
                problems.append(f"attribute[{code}] must be a number")
        elif datatype == "datetime":
            try:
                datetime.fromisoformat(value)
            except ValueError:
                problems.append(f"attribute[{code}] must be an ISO 8601 date-time")
        elif datatype == "string" and ("\n" in value or "\r" in value):
            problems.append(f"attribute[{code}] must be a single line")
        kept[code] = value
    return kept, problems
