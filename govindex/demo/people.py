"""One demo sign-in per role, each with its membership in a demo unit.

They share one password, ``DEMO_PASSWORD``. That is acceptable only because the demo refuses to
run with ``GOVINDEX_ENV=production`` (``build_demo`` and the ``govindex demo`` command check it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from govindex.orgs.models import Role, Unit
from govindex.orgs.services import membership_grant

DEMO_PASSWORD = "govindex-demo"  # noqa: S105 - demo sign-ins only, never in production
DEMO_ACTOR = "system:demo"

ROLE_LABELS_VI = {
    Role.STAFF: "Cán bộ đơn vị",
    Role.LEADER: "Lãnh đạo đơn vị",
    Role.APPRAISER: "Thẩm định viên",
    Role.CITY_LEADER: "Lãnh đạo thành phố",
    Role.ADMIN: "Quản trị hệ thống",
}


@dataclass(frozen=True)
class DemoPerson:
    username: str
    family_name: str  # Vietnamese order: family and middle names first
    given_name: str
    role: str
    unit_code: str
    unit_name: str
    #: What to try first with this sign-in.
    try_first: str = ""
    superuser: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def role_label(self) -> str:
        return f"{ROLE_LABELS_VI[Role(self.role)]} — {self.unit_name} ({self.role})"


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        "canbo.phuong",
        "Nguyễn Thị",
        "Lan",
        Role.STAFF,
        "00070",
        "Phường Hoàn Kiếm",
        try_first="continue the ward's 2026 self-assessment (half done), attach evidence",
    ),
    DemoPerson(
        "lanhdao.phuong",
        "Trần Văn",
        "Minh",
        Role.LEADER,
        "00070",
        "Phường Hoàn Kiếm",
        try_first="submit the ward's 2026 self-assessment once it is complete; the ward's 2025 "
        "diagnosis: record a cause, plan a task, run the what-if, download the report",
    ),
    DemoPerson(
        "canbo.so",
        "Lê Thu",
        "Hà",
        Role.STAFF,
        "SNV",
        "Sở Nội vụ",
        try_first="the department's own 2026 self-assessment",
    ),
    DemoPerson(
        "thamdinh",
        "Phạm Quốc",
        "Huy",
        Role.APPRAISER,
        "SNV",
        "Sở Nội vụ",
        try_first="appraise the 2025 round; publish the appraised mid-2026 check",
    ),
    DemoPerson(
        "lanhdao.tp",
        "Hoàng Đức",
        "Thành",
        Role.CITY_LEADER,
        "HN",
        "Thành phố Hà Nội",
        try_first="rankings (with rank intervals), heat map, scorecards, the city plan and the "
        "official indices against the best province",
    ),
    DemoPerson(
        "quantri",
        "Vũ Thị",
        "Mai",
        Role.ADMIN,
        "HN",
        "Thành phố Hà Nội",
        try_first="everything, and /admin/",
        superuser=True,
    ),
)


def demo_people() -> tuple[DemoPerson, ...]:
    return DEMO_PEOPLE


def create_people(units_by_code: Mapping[str, Unit]) -> list[AbstractUser]:
    """Create (or, on a rebuild, reset) the demo users and grant each one its role.

    A user row that survives a rebuild is reused rather than deleted: audit records may point
    at it, and the audit trail is append-only.
    """
    user_model = get_user_model()
    users = []
    for person in DEMO_PEOPLE:
        user, _created = user_model.objects.get_or_create(username=person.username)
        user.first_name = person.given_name
        user.last_name = person.family_name
        user.email = f"{person.username}@demo.govindex.invalid"
        user.is_active = True
        user.is_staff = person.superuser
        user.is_superuser = person.superuser
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
        membership_grant(
            user=user, unit=units_by_code[person.unit_code], role=person.role, actor=DEMO_ACTOR
        )
        users.append(user)
    return users
