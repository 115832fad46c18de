from __future__ import annotations

import datetime as dt

import pytest

from govindex.audit.models import AuditRecord
from govindex.audit.selectors import audit_verify
from govindex.errors import ApplicationError
from govindex.orgs.models import Unit, UnitKind, UnitSuccession
from govindex.orgs.services import unit_reorganise
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

JULY_2025 = dt.date(2025, 7, 1)


def district(code: str, name: str) -> Unit:
    return UnitFactory(code=code, name_vi=name, kind=UnitKind.DISTRICT, active_from=None)


def test_two_former_districts_merge_into_one_ward():
    ba_dinh = district("001", "Quận Ba Đình")
    hoan_kiem = district("002", "Quận Hoàn Kiếm")
    ward = UnitFactory(code="00004", name_vi="Phường Ba Đình", active_from=None)
    user = UserFactory(username="snv-admin")

    links = unit_reorganise(
        predecessors=[hoan_kiem, ba_dinh],
        successor=ward,
        date=JULY_2025,
        kind="merge",
        actor=user,
        note="Nghị quyết 1656/NQ-UBTVQH15",
    )

    assert [(link.predecessor.code, link.successor.code) for link in links] == [
        ("001", "00004"),
        ("002", "00004"),
    ]
    assert UnitSuccession.objects.filter(successor=ward, date=JULY_2025, kind="merge").count() == 2
    ba_dinh.refresh_from_db()
    hoan_kiem.refresh_from_db()
    ward.refresh_from_db()
    assert ba_dinh.active_to == hoan_kiem.active_to == dt.date(2025, 6, 30)
    assert ward.active_from == JULY_2025
    record = AuditRecord.objects.get(action="unit.merge")
    assert (record.actor_label, record.target_id) == ("snv-admin", str(ward.pk))
    assert record.after == {
        "predecessors": ["001", "002"],
        "successor": "00004",
        "date": "2025-07-01",
        "active_to": "2025-06-30",
    }
    assert record.before == {"active_to": {"001": None, "002": None}}
    assert record.reason == "Nghị quyết 1656/NQ-UBTVQH15"
    assert audit_verify() is None


def test_a_successor_that_already_started_keeps_its_start():
    old = UnitFactory(code="SLDTBXH", kind=UnitKind.DEPARTMENT, active_from=dt.date(2008, 8, 1))
    home_affairs = UnitFactory(
        code="SNV", kind=UnitKind.DEPARTMENT, active_from=dt.date(2008, 8, 1)
    )

    unit_reorganise(
        predecessors=[old],
        successor=home_affairs,
        date=dt.date(2025, 3, 1),
        kind="merge",
        actor=None,
    )

    home_affairs.refresh_from_db()
    old.refresh_from_db()
    assert home_affairs.active_from == dt.date(2008, 8, 1)
    assert old.active_to == dt.date(2025, 2, 28)


def test_a_split_is_recorded_once_per_successor():
    hang_bong = UnitFactory(code="00040", active_from=None)
    hoan_kiem, cua_nam = UnitFactory(code="00070"), UnitFactory(code="00082")

    for successor in (hoan_kiem, cua_nam):
        unit_reorganise(
            predecessors=[hang_bong], successor=successor, date=JULY_2025, kind="split", actor=None
        )

    hang_bong.refresh_from_db()
    assert hang_bong.active_to == dt.date(2025, 6, 30)
    assert sorted(UnitSuccession.objects.values_list("successor__code", flat=True)) == [
        "00070",
        "00082",
    ]


@pytest.mark.parametrize(
    ("case", "code", "message"),
    [
        ("none", "no_predecessors", "at least one predecessor"),
        ("itself", "reorganisation_cycle", "cannot be its own predecessor"),
        ("rename-two", "reorganisation_predecessors", "A rename has exactly one predecessor"),
        ("unknown-kind", "unknown_reorganisation_kind", "Unknown reorganisation kind 'annex'"),
        ("late-start", "reorganisation_date", "starts on 2025-08-01, not before 2025-07-01"),
    ],
)
def test_reorganisations_that_make_no_sense_are_refused(case, code, message):
    a, b = UnitFactory(active_from=None), UnitFactory(active_from=None)
    successor = UnitFactory()
    arguments = {
        "none": {"predecessors": [], "kind": "merge"},
        "itself": {"predecessors": [a, successor], "kind": "merge"},
        "rename-two": {"predecessors": [a, b], "kind": "rename"},
        "unknown-kind": {"predecessors": [a], "kind": "annex"},
        "late-start": {
            "predecessors": [UnitFactory(active_from=dt.date(2025, 8, 1))],
            "kind": "merge",
        },
    }[case]

    with pytest.raises(ApplicationError, match=message) as raised:
        unit_reorganise(successor=successor, date=JULY_2025, actor=None, **arguments)

    assert raised.value.code == code
    assert not UnitSuccession.objects.exists()
    assert not AuditRecord.objects.exists()


def test_a_loop_in_the_history_is_refused():
    old, new = UnitFactory(active_from=None), UnitFactory(active_from=None)
    unit_reorganise(predecessors=[old], successor=new, date=JULY_2025, kind="rename", actor=None)

    with pytest.raises(ApplicationError, match="history would loop") as raised:
        unit_reorganise(
            predecessors=[new], successor=old, date=dt.date(2026, 1, 1), kind="rename", actor=None
        )
    assert raised.value.code == "reorganisation_cycle"


def test_recording_the_same_merge_twice_is_refused():
    old, new = UnitFactory(active_from=None), UnitFactory(active_from=None)
    unit_reorganise(predecessors=[old], successor=new, date=JULY_2025, kind="merge", actor=None)

    with pytest.raises(ApplicationError, match="Already recorded") as raised:
        unit_reorganise(predecessors=[old], successor=new, date=JULY_2025, kind="merge", actor=None)
    assert raised.value.code == "reorganisation_duplicate"
    assert UnitSuccession.objects.count() == 1
