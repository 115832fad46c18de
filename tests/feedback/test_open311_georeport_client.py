"""Acceptance: a third-party Open311 client (the ``georeport`` package from PyPI) against a
running server lists services and reads back a request posted with the specification's
form-encoded fields."""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport

from govindex.feedback.services import api_key_create
from tests.feedback.factories import CategoryFactory
from tests.feedback.test_open311 import ATTRIBUTES


@pytest.mark.django_db(transaction=True)
def test_georeport_client_lists_services_and_reads_back_a_posted_request(live_server, ward):
    CategoryFactory(code="sidewalk", name_vi="Lấn chiếm vỉa hè", name_en="Sidewalk")
    CategoryFactory(code="parking", name_vi="Đỗ xe sai quy định", attributes=ATTRIBUTES)
    key = api_key_create(name="georeport test", actor="system:test")[1]
    root = f"{live_server.url}/open311/v2"

    for fmt in ("json", "xml"):
        client = GeoReport(root, jurisdiction="hanoi.gov.vn", output_format=fmt)
        services = client.get_service_list()
        assert [service["service_code"] for service in services] == ["parking", "sidewalk"]
        definition = client.get_service_definition("parking")
        assert definition["service_code"] == "parking"

    posted = requests.post(
        f"{root}/requests.xml",
        data={
            "api_key": key,
            "jurisdiction_id": "hanoi.gov.vn",
            "service_code": "parking",
            "address_string": "Ngõ 12 Hàng Bông, Hoàn Kiếm, Hà Nội",
            "address_id": "00070",
            "description": "Ô tô đỗ chắn lối vào ngõ",
            "first_name": "An",
            "last_name": "Nguyễn",
            "email": "an@example.vn",
            "attribute[VEHICLE]": "car",
        },
        timeout=10,
    )
    assert posted.status_code == 201
    assert posted.headers["Content-Type"] == "text/xml; charset=utf-8"
    code = posted.text.split("<service_request_id>")[1].split("</service_request_id>")[0]

    json_client = GeoReport(root, jurisdiction="hanoi.gov.vn")
    read = json_client.get_service_request(code)
    assert read["service_request_id"] == code
    assert read["status"] == "open"
    assert read["service_code"] == "parking"
    assert read["description"] == "Ô tô đỗ chắn lối vào ngõ"
    assert read["agency_responsible"] == "Hoan Kiem Ward"  # LANGUAGE_CODE is "en" in these tests
    assert read["expected_datetime"].endswith("+07:00")
    listed = json_client.get_service_requests(service_request_id=code)
    assert [row["service_request_id"] for row in listed] == [code]

    xml_read = GeoReport(
        root, jurisdiction="hanoi.gov.vn", output_format="xml"
    ).get_service_request(code)
    assert xml_read["service_request_id"] == code
    assert xml_read["address_id"] == "00070"
