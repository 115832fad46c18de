"""Open311 GeoReport v2 conformance: every endpoint in JSON and XML, the standard errors."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from django.test import Client

from govindex.feedback.models import CaseStatus, Channel, FeedbackCase, RejectionReason
from govindex.feedback.services import api_key_create, feedback_transition
from tests.feedback.conftest import hanoi
from tests.feedback.factories import AreaLocationFactory, CategoryFactory
from tests.feedback.test_feedback_transition import submit

pytestmark = pytest.mark.django_db
S = CaseStatus
BASE = "/open311/v2"
ATTRIBUTES = [
    {
        "code": "VEHICLE",
        "datatype": "singlevaluelist",
        "required": True,
        "description": "Loại phương tiện",
        "order": 1,
        "values": [{"key": "car", "name": "Ô tô"}, {"key": "moto", "name": "Xe máy"}],
    },
    {
        "code": "PLATE",
        "datatype": "string",
        "required": False,
        "description": "Biển số",
        "order": 2,
    },
]


@pytest.fixture
def services(ward):
    sidewalk = CategoryFactory(
        code="sidewalk",
        name_vi="Lấn chiếm vỉa hè",
        name_en="Sidewalk",
        keywords="vỉa hè, lấn chiếm",
    )
    parking = CategoryFactory(
        code="parking",
        name_vi="Đỗ xe sai quy định",
        name_en="Illegal parking",
        attributes=ATTRIBUTES,
    )
    AreaLocationFactory(area=ward, lat=21.0288, lon=105.8525)
    return sidewalk, parking


@pytest.fixture
def key(db):
    return api_key_create(name="iHaNoi app", actor="system:test")[1]


def xml(response) -> ElementTree.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


def body(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def test_discovery_in_both_formats(client: Client, services) -> None:
    document = body(client.get("/open311/discovery.json"))
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(client.get("/open311/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]
    assert client.get(f"{BASE}/").status_code == 302


def test_service_list(client: Client, services) -> None:
    rows = body(client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en"))
    assert [row["service_code"] for row in rows] == ["parking", "sidewalk"]
    assert rows[1] == {
        "service_code": "sidewalk",
        "service_name": "Sidewalk",
        "description": "Test category",
        "metadata": False,
        "type": "realtime",
        "keywords": "vỉa hè, lấn chiếm",
        "group": "urban order",
    }
    assert rows[0]["metadata"] is True
    root = xml(client.get(f"{BASE}/services.xml", HTTP_ACCEPT_LANGUAGE="en"))
    assert root.tag == "services"
    first = root.find("service")
    assert [child.tag for child in first] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert first.findtext("metadata") == "true"
    assert first.findtext("service_name") == "Illegal parking"


def test_service_definition(client: Client, services) -> None:
    definition = body(client.get(f"{BASE}/services/parking.json"))
    assert definition["service_code"] == "parking"
    assert definition["attributes"][0] == {
        "variable": True,
        "code": "VEHICLE",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": None,
        "order": 1,
        "description": "Loại phương tiện",
        "values": [{"key": "car", "name": "Ô tô"}, {"key": "moto", "name": "Xe máy"}],
    }
    root = xml(client.get(f"{BASE}/services/parking.xml"))
    assert root.tag == "service_definition"
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == [
        "car",
        "moto",
    ]
    assert root.find("attributes/attribute/datatype_description").text is None


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_with_the_specification_form_fields_then_read_it_back(client, services, key, fmt):
    response = client.post(
        f"{BASE}/requests.{fmt}",
        {
            "api_key": key,
            "jurisdiction_id": "hanoi.gov.vn",
            "service_code": "parking",
            "lat": "21.02880",
            "long": "105.85250",
            "address_string": "12 Hàng Bông",
            "email": "dan@example.vn",
            "device_id": "tt222111",
            "account_id": "123456",
            "first_name": "Văn",
            "last_name": "Dân",
            "phone": "0912345678",
            "description": "Ô tô đỗ trên vỉa hè, gọi 0912345678",
            "media_url": "https://example.vn/photo.jpg",
            "attribute[VEHICLE]": "car",
            "attribute[PLATE]": "29A-12345",
        },
    )
    assert response.status_code == 201
    if fmt == "json":
        (created,) = body(response)
        code = created["service_request_id"]
        assert created["account_id"] == "123456"
    else:
        root = xml(response)
        code = root.findtext("request/service_request_id")
        assert root.findtext("request/account_id") == "123456"
    case = FeedbackCase.objects.get(tracking_code=code)
    assert case.channel == Channel.OPEN311
    assert (case.contact_name, case.contact_phone) == ("Văn Dân", "0912345678")
    assert case.attributes == {"VEHICLE": "car", "PLATE": "29A-12345"}
    assert case.area.code == "00070"  # nearest commune/ward centre
    (read,) = body(client.get(f"{BASE}/requests/{code}.json"))
    assert read["service_request_id"] == code
    assert read["status"] == "open"
    assert read["description"] == "Ô tô đỗ trên vỉa hè, gọi ••••••••••"
    assert read["lat"] == 21.0288 and read["long"] == 105.8525
    assert read["address"] == "12 Hàng Bông" and read["address_id"] == "00070"
    assert read["agency_responsible"] == "Hoan Kiem Ward"  # LANGUAGE_CODE is "en" in these tests
    assert read["media_url"] == "https://example.vn/photo.jpg"
    assert (
        read["expected_datetime"]
        == case.handle_due.astimezone(hanoi(2025, 1, 1).tzinfo).isoformat()
    )
    assert "dan@example.vn" not in json.dumps(read) and "Dân" not in json.dumps(read)
    root = xml(client.get(f"{BASE}/requests/{code}.xml"))
    assert [child.tag for child in root.find("request")] == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_errors_in_the_standard_format(client, services, key, fmt):
    def errors(response, status):
        assert response.status_code == status
        if fmt == "json":
            rows = body(response)
            assert all(set(row) == {"code", "description"} for row in rows)
            return [(row["code"], row["description"]) for row in rows]
        root = xml(response)
        assert root.tag == "errors"
        return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]

    post = lambda **data: client.post(f"{BASE}/requests.{fmt}", data)  # noqa: E731
    assert errors(post(service_code="sidewalk", lat="21", long="105.8"), 403)[0][0] == 403
    assert errors(post(api_key="wrong", service_code="sidewalk", lat="21", long="105.8"), 403)
    assert errors(post(api_key=key, lat="21", long="105.8"), 400) == [
        (400, "service_code was not provided")
    ]
    assert errors(post(api_key=key, service_code="nope", lat="21", long="105.8"), 404)
    assert errors(post(api_key=key, service_code="sidewalk"), 400)[0][1].startswith(
        "A location is required"
    )
    assert errors(post(api_key=key, service_code="sidewalk", lat="21"), 400)
    assert errors(post(api_key=key, service_code="sidewalk", address_id="99999"), 400)
    missing = errors(post(api_key=key, service_code="parking", address_string="Hàng Bông"), 400)
    assert missing == [(400, "attribute[VEHICLE] is required")]
    two = errors(
        post(
            api_key=key,
            service_code="parking",
            address_string="x",
            **{"attribute[VEHICLE]": "tank"},
            email="not-an-email",
        ),
        400,
    )
    assert len(two) == 2  # several errors in one response
    assert errors(
        post(api_key=key, service_code="sidewalk", address_string="x", jurisdiction_id="sf.gov"),
        404,
    )
    assert errors(client.get(f"{BASE}/services/nope.{fmt}"), 404)
    assert errors(client.get(f"{BASE}/requests/PA25-NOPE.{fmt}"), 404)
    assert errors(client.get(f"{BASE}/tokens/nope.{fmt}"), 404)
    assert errors(client.get(f"{BASE}/services.{fmt}?jurisdiction_id=other.gov"), 404)
    assert errors(client.get(f"{BASE}/requests.{fmt}?status=pending"), 400)
    assert errors(client.get(f"{BASE}/requests.{fmt}?start_date=yesterday"), 400)
    assert errors(client.get(f"{BASE}/requests.{fmt}?start_date=2025-01-01T00:00:00"), 400)
    assert errors(
        client.get(
            f"{BASE}/requests.{fmt}?start_date=2025-01-01T00:00:00Z&end_date=2025-06-01T00:00:00Z"
        ),
        400,
    )
    assert errors(client.get(f"/open311/v2/whatever.{fmt}"), 404)
    assert FeedbackCase.objects.count() == 0


def test_get_requests_filters(client, services, ward) -> None:
    sidewalk, parking = services
    a = submit(sidewalk, ward, now=hanoi(2025, 3, 10, 9))
    b = submit(parking, ward, now=hanoi(2025, 3, 20, 9))
    c = submit(sidewalk, ward, now=hanoi(2025, 5, 2, 9))
    hidden = submit(sidewalk, ward, now=hanoi(2025, 3, 11, 9))
    FeedbackCase.objects.filter(pk=hidden.pk).update(hidden=True)
    feedback_transition(case=b, to=S.REJECTED, actor=None, rejection_reason=RejectionReason.OWN_LAW)
    window = "start_date=2025-03-01T00:00:00Z&end_date=2025-04-01T00:00:00%2B07:00"

    def codes(query: str) -> list[str]:
        return [
            row["service_request_id"] for row in body(client.get(f"{BASE}/requests.json?{query}"))
        ]

    assert codes(window) == [b.tracking_code, a.tracking_code]
    assert codes(f"{window}&status=open") == [a.tracking_code]
    assert codes(f"{window}&status=closed") == [b.tracking_code]
    assert codes(f"{window}&status=open,closed") == [b.tracking_code, a.tracking_code]
    assert codes(f"{window}&service_code=parking") == [b.tracking_code]
    assert codes(f"{window}&service_code=parking,sidewalk") == [b.tracking_code, a.tracking_code]
    # service_request_id overrides the other arguments; hidden cases are never listed.
    assert codes(
        f"service_request_id={c.tracking_code},{a.tracking_code},{hidden.tracking_code}&status=closed"
    ) == [
        c.tracking_code,
        a.tracking_code,
    ]
    (rejected,) = body(
        client.get(f"{BASE}/requests/{b.tracking_code}.json", HTTP_ACCEPT_LANGUAGE="en")
    )
    assert rejected["status"] == "closed"
    assert (
        rejected["status_notes"]
        == "Rejected: a complaint or denunciation handled under its own law"
    )
    vietnamese = client.get(f"{BASE}/requests/{a.tracking_code}.json", HTTP_ACCEPT_LANGUAGE="vi")
    assert body(vietnamese)[0]["service_name"] == "Lấn chiếm vỉa hè"
    root = xml(client.get(f"{BASE}/requests.xml?{window}"))
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [
        b.tracking_code,
        a.tracking_code,
    ]


def test_token_resolves_to_the_request_id(client, services, ward) -> None:
    case = submit(services[0], ward)
    assert body(client.get(f"{BASE}/tokens/{case.open311_token}.json")) == [
        {"service_request_id": case.tracking_code, "token": case.open311_token}
    ]
    root = xml(client.get(f"{BASE}/tokens/{case.open311_token}.xml"))
    assert root.findtext("request/service_request_id") == case.tracking_code
