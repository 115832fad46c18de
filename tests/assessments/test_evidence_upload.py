"""Evidence files (issue 3, item 3): the type is checked from the content, the size is limited,
a name cannot choose where the file goes, the same file is kept once, only the unit's people and
those who see all units download it, and removing it deletes the file once the removal commits."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from govindex.assessments.evidence import (
    ACCEPTED_EXTENSIONS,
    check_evidence_file,
    safe_display_name,
)
from govindex.assessments.models import Entry, Evidence, Round, RoundState
from govindex.assessments.services import evidence_add, evidence_remove
from govindex.audit.models import AuditRecord
from govindex.errors import ApplicationError
from govindex.orgs.models import Role, Unit, UnitKind
from tests.factories import (
    MembershipFactory,
    RoundFactory,
    RoundUnitFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 32
ACCEPTED = ".pdf, .png, .jpg, .jpeg, .docx, .xlsx, .pptx, .odt, .ods, .doc, .xls"


def zipped(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            # A fixed date: the bytes (and the test ids built from them) must not depend on
            # when each xdist worker collects the tests.
            archive.writestr(zipfile.ZipInfo(member, date_time=(2025, 1, 1, 0, 0, 0)), "<xml/>")
    return buffer.getvalue()


DOCX = zipped("[Content_Types].xml", "word/document.xml")
XLSX = zipped("[Content_Types].xml", "xl/workbook.xml")


def stored_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture
def ward_round(db: None) -> Round:
    """An open round with ward 00070 (staff ``clerk``) and ward 00071 (staff ``neighbour``)."""
    round = RoundFactory(name="Evidence 2025", state=RoundState.OPEN)
    for code, username in (("00070", "clerk"), ("00071", "neighbour")):
        unit = UnitFactory(code=code)
        RoundUnitFactory(round=round, unit=unit)
        MembershipFactory(user=UserFactory(username=username), unit=unit, role=Role.STAFF)
    return round


@pytest.fixture
def clerk():
    return UserFactory(username="clerk")


def upload_url(round: Round, leaf_id: str = "a1.plan") -> str:
    return reverse("assessments:evidence_upload", args=[round.pk, "00070", leaf_id])


def raw_multipart(filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    """A multipart body with the file name exactly as given (the test client would keep only
    its last path component, as a well-behaved browser does)."""
    boundary = "govindex-test-boundary"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}"
    )


# --- what is accepted -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("bien-ban.pdf", PDF, "application/pdf"),
        ("BIEN-BAN.PDF", PDF, "application/pdf"),
        ("anh.png", PNG, "image/png"),
        ("anh.jpg", JPEG, "image/jpeg"),
        ("anh.jpeg", JPEG, "image/jpeg"),
        ("ke-hoach.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("so-lieu.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("cu.doc", OLE, "application/msword"),
    ],
)  # fmt: skip
def test_an_accepted_file_is_stored_with_its_real_type(
    name, content, content_type, ward_round, clerk, client_for, media_root
):
    # The browser's claim is ignored: the type comes from the name checked against the content.
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")

    response = client_for(clerk).post(upload_url(ward_round), {"file": upload})

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        name,
        content_type,
        len(content),
    )
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert (media_root / evidence.file.name).read_bytes() == content
    record = AuditRecord.objects.get()
    assert (record.action, record.actor_label, record.after) == (
        "evidence.add",
        "clerk",
        {
            "unit": "00070",
            "leaf_id": "a1.plan",
            "name": name,
            "size": len(content),
            "sha256": evidence.sha256,
        },
    )


def test_the_accepted_extensions_are_these():
    assert ", ".join(ACCEPTED_EXTENSIONS) == ACCEPTED


# --- what is refused --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", EXE, f"setup.exe: files of type .exe are not accepted. Accepted: {ACCEPTED}."),
        ("bien-ban.pdf.exe", EXE, f"bien-ban.pdf.exe: files of type .exe are not accepted. Accepted: {ACCEPTED}."),
        ("trang.html", b"<html><script>alert(1)</script>", f"trang.html: files of type .html are not accepted. Accepted: {ACCEPTED}."),
        ("README", PDF, f"README: files of type (none) are not accepted. Accepted: {ACCEPTED}."),
        ("bien-ban.pdf", EXE, "bien-ban.pdf is named .pdf but its content is not a .pdf file. Save it again in that format, or give it its real extension."),
        ("anh.png", PDF, "anh.png is named .png but its content is not a .png file. Save it again in that format, or give it its real extension."),
        ("ke-hoach.docx", zipped("[Content_Types].xml", "xl/workbook.xml"), "ke-hoach.docx is named .docx but its content is not a .docx file. Save it again in that format, or give it its real extension."),
        ("ke-hoach.docx", b"PK\x03\x04 but not a zip at all", "ke-hoach.docx is named .docx but its content is not a .docx file. Save it again in that format, or give it its real extension."),
        ("rong.pdf", b"", "The submitted file is empty."),
    ],
    ids=["exe", "double-extension", "html", "no-extension", "pdf-not-pdf", "png-is-pdf", "docx-without-document", "docx-broken-zip", "empty"],
)  # fmt: skip
def test_a_wrong_file_is_refused_with_a_message_and_nothing_is_kept(
    name, content, message, ward_round, clerk, client_for, media_root
):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")

    response = client_for(clerk).post(
        upload_url(ward_round), {"file": upload}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert response.context["row"].error == message
    assert '<p class="form-error" role="alert">' in response.content.decode()
    assert not Evidence.objects.exists()
    assert not Entry.objects.exists()
    assert stored_files(media_root) == []
    assert not AuditRecord.objects.exists()


def test_a_post_without_a_file_is_refused(ward_round, clerk, client_for, media_root):
    response = client_for(clerk).post(upload_url(ward_round), {}, headers={"HX-Request": "true"})

    assert response.context["row"].error == "This field is required."
    assert not Evidence.objects.exists()


def test_a_file_above_the_limit_is_refused(ward_round, clerk, client_for, media_root, settings):
    settings.EVIDENCE_MAX_BYTES = 1_048_576
    content = PDF + b"0" * (1_572_864 - len(PDF))  # 1.5 MB

    response = client_for(clerk).post(
        upload_url(ward_round),
        {"file": SimpleUploadedFile("lon.pdf", content, "application/pdf")},
        headers={"HX-Request": "true"},
    )

    assert response.context["row"].error == "lon.pdf is 1.5 MB; files may be at most 1 MB."
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(("size", "accepted"), [(64, True), (65, False)])
def test_the_limit_itself_is_allowed(size, accepted, ward_round, clerk, media_root, settings):
    settings.EVIDENCE_MAX_BYTES = 64
    upload = SimpleUploadedFile("x.pdf", PDF[:8] + b"0" * (size - 8))
    unit = Unit.objects.get(code="00070")

    if accepted:
        evidence_add(round=ward_round, unit=unit, leaf_id="a1.plan", upload=upload, actor=clerk)
        assert Evidence.objects.get().size == 64
    else:
        with pytest.raises(ApplicationError) as raised:
            evidence_add(round=ward_round, unit=unit, leaf_id="a1.plan", upload=upload, actor=clerk)
        assert (raised.value.code, raised.value.status) == ("evidence_too_big", 413)
        assert not Evidence.objects.exists()


# --- names that try to choose the folder -------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\x.pdf", "x.pdf"),
        ("/var/www/index.pdf", "index.pdf"),
        ("C:\\Windows\\system32\\bao-cao.pdf", "bao-cao.pdf"),
        ("Biên bản họp.pdf", "Biên bản họp.pdf"),
    ],
)
def test_a_file_named_to_escape_the_folder_lands_under_evidence_with_a_random_name(
    sent, shown, ward_round, clerk, client_for, media_root
):
    body, content_type = raw_multipart(sent, PDF, "application/pdf")

    response = client_for(clerk).post(upload_url(ward_round), body, content_type=content_type)

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == shown
    unit = Unit.objects.get(code="00070")
    assert re.fullmatch(
        rf"evidence/{ward_round.pk}/{unit.pk}/[0-9a-f]{{32}}\.pdf", evidence.file.name
    )
    assert stored_files(media_root) == [evidence.file.name]
    assert Path(evidence.file.path).resolve().is_relative_to(media_root.resolve() / "evidence")


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("..\\..\\x.pdf", "x.pdf"),
        ("..\\..\\..\\..\\", "evidence"),
        ("a/b\\c/d.pdf", "d.pdf"),
        ("\u202egnp.pdf", "gnp.pdf"),  # a right-to-left override cannot disguise the name
        ("bao\x00cao\x07.pdf", "baocao.pdf"),
        ("  . hop.pdf . ", "hop.pdf"),
        ("..", "evidence"),
    ],
)
def test_the_display_name_is_the_last_component_without_control_characters(sent, shown):
    assert safe_display_name(sent) == shown


def test_a_name_sent_straight_to_the_service_cannot_escape_either(ward_round, clerk, media_root):
    upload = SimpleUploadedFile("..\\..\\x.pdf", PDF)  # a POSIX basename keeps the backslashes

    evidence = evidence_add(
        round=ward_round, unit=Unit.objects.get(code="00070"), leaf_id="a1.plan", upload=upload,
        actor=clerk,
    )  # fmt: skip

    assert evidence.original_name == "x.pdf"
    assert stored_files(media_root) == [evidence.file.name]
    assert evidence.file.name.startswith(f"evidence/{ward_round.pk}/")


def test_a_long_name_keeps_its_extension(ward_round, clerk, client_for, media_root):
    name = "Báo cáo kết quả cải cách hành chính " * 7 + ".pdf"  # 256 characters, as browsers send
    upload = SimpleUploadedFile(name, PDF)

    response = client_for(clerk).post(upload_url(ward_round), {"file": upload})

    # Django keeps 255 characters (the extension included); the name shown keeps at most 200.
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (
        evidence.original_name == "Báo cáo kết quả cải cách hành chính " * 5 + "Báo cáo kết quả.pdf"
    )
    assert evidence.content_type == "application/pdf"


# --- the same file twice ----------------------------------------------------------------------


def test_the_same_file_uploaded_twice_is_stored_once(ward_round, clerk, client_for, media_root):
    client = client_for(clerk)

    for name in ("bien-ban.pdf", "bien-ban (1).pdf"):
        response = client.post(upload_url(ward_round), {"file": SimpleUploadedFile(name, PDF)})
        assert response.status_code == 302

    evidence = Evidence.objects.get()
    assert evidence.original_name == "bien-ban.pdf"
    assert stored_files(media_root) == [evidence.file.name]
    assert list(AuditRecord.objects.values_list("action", flat=True)) == ["evidence.add"]


def test_the_same_file_on_two_criteria_is_kept_for_each(ward_round, clerk, client_for, media_root):
    client = client_for(clerk)
    for leaf_id in ("a1.plan", "a1.report"):
        client.post(upload_url(ward_round, leaf_id), {"file": SimpleUploadedFile("x.pdf", PDF)})

    assert sorted(Evidence.objects.values_list("entry__leaf_id", flat=True)) == [
        "a1.plan",
        "a1.report",
    ]
    assert len(stored_files(media_root)) == 2


def test_evidence_only_goes_on_the_criteria_the_unit_scores_itself(
    ward_round, clerk, client_for, media_root
):
    response = client_for(clerk).post(
        upload_url(ward_round, "a2.satisfaction"), {"file": SimpleUploadedFile("x.pdf", PDF)}
    )

    assert response.status_code == 403
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []


# --- download ---------------------------------------------------------------------------------


@pytest.fixture
def attached(ward_round, clerk, media_root) -> Evidence:
    upload = SimpleUploadedFile("Biên bản họp.pdf", PDF, "application/pdf")
    return evidence_add(
        round=ward_round, unit=Unit.objects.get(code="00070"), leaf_id="a1.plan", upload=upload,
        actor=clerk,
    )  # fmt: skip


def _user(name: str, role: str) -> object:
    user = UserFactory(username=name)
    unit = UnitFactory(code="SNV", kind=UnitKind.DEPARTMENT)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("clerk", 200),
        ("appraiser", 200),
        ("city_leader", 200),
        ("neighbour", 403),
        ("anonymous", 302),
    ],
)
def test_only_allowed_people_download_and_get_the_file_as_an_attachment(
    who, status, attached, client_for
):
    user = {
        "clerk": lambda: UserFactory(username="clerk"),
        "neighbour": lambda: UserFactory(username="neighbour"),
        "appraiser": lambda: _user("appraiser", Role.APPRAISER),
        "city_leader": lambda: _user("city_leader", Role.CITY_LEADER),
        "anonymous": lambda: None,
    }[who]()

    response = client_for(user).get(reverse("assessments:evidence_download", args=[attached.pk]))

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            "attachment; filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp.pdf"
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF
    elif status == 302:
        assert response.url.startswith(reverse("login"))


def test_an_ascii_name_is_sent_plainly(ward_round, clerk, client_for, media_root):
    evidence = evidence_add(
        round=ward_round, unit=Unit.objects.get(code="00070"), leaf_id="a1.plan",
        upload=SimpleUploadedFile("../../etc/passwd.pdf", PDF), actor=clerk,
    )  # fmt: skip

    response = client_for(clerk).get(reverse("assessments:evidence_download", args=[evidence.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="passwd.pdf"'


def test_a_file_missing_from_the_disk_is_not_found(attached, clerk, client_for, media_root):
    (media_root / attached.file.name).unlink()

    response = client_for(clerk).get(reverse("assessments:evidence_download", args=[attached.pk]))

    assert response.status_code == 404


def test_evidence_files_have_no_public_address(attached, client_for):
    for path in (f"/{attached.file.name}", f"/media/{attached.file.name}"):
        assert client_for(None).get(path).status_code == 404


# --- removal ----------------------------------------------------------------------------------


def test_removing_deletes_the_file_only_once_the_removal_commits(
    attached, clerk, client_for, media_root, django_capture_on_commit_callbacks
):
    path = media_root / attached.file.name
    url = reverse("assessments:evidence_remove", args=[attached.pk])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(clerk).post(url, headers={"HX-Request": "true"})
        assert path.exists()  # the row is gone, the commit has not happened yet

    assert response.status_code == 200
    assert "No file attached." in response.content.decode()
    assert len(callbacks) == 1
    assert not path.exists()
    assert not Evidence.objects.exists()
    record = AuditRecord.objects.get(action="evidence.remove")
    assert (record.actor_label, record.target_type, record.target_id, record.before) == (
        "clerk",
        "assessments.evidence",
        str(attached.pk),
        {
            "unit": "00070",
            "leaf_id": "a1.plan",
            "name": "Biên bản họp.pdf",
            "sha256": hashlib.sha256(PDF).hexdigest(),
        },
    )


def test_a_removal_that_rolls_back_keeps_the_file(
    attached, clerk, media_root, django_capture_on_commit_callbacks
):
    path = media_root / attached.file.name

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        evidence_remove(evidence=attached, actor=clerk)
        raise RuntimeError("the request failed later")

    assert callbacks == []
    assert path.read_bytes() == PDF
    assert Evidence.objects.filter(pk=attached.pk).exists()


def test_a_neighbour_cannot_remove_the_file(attached, client_for, media_root):
    response = client_for(UserFactory(username="neighbour")).post(
        reverse("assessments:evidence_remove", args=[attached.pk])
    )

    assert response.status_code == 403
    assert Evidence.objects.filter(pk=attached.pk).exists()
    assert (media_root / attached.file.name).exists()


def test_the_file_check_reads_the_content_not_the_name():
    stream = io.BytesIO(PDF)
    kind = check_evidence_file("bao-cao.PDF", stream, len(PDF), max_bytes=1000)
    assert (kind.content_type, stream.tell()) == ("application/pdf", 0)
