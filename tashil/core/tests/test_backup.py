"""Backup and restore: an archive made from a varied database (cases in every state with their
attachments, a held meeting with resolutions, notices, events, permissions) restores into a new,
empty database of the same engine and finds every row and every file; the restored database
takes new rows.

The restore runs as an operator would: `manage.py migrate` then `manage.py restore` in a
subprocess whose DATABASE_URL names the new database (a fresh SQLite file, or on PostgreSQL a
database created for the test and dropped after).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from tashil.cases.models import Attachment, Case
from tashil.cases.services import case_attach
from tashil.cases.tests.conftest import pdf, upload
from tashil.core.backup import BackupError, backup, restore
from tashil.core.tests.backup_fingerprint import fingerprint
from tashil.meetings.tests.conftest import (  # noqa: F401 (fixtures)
    _media_in_tmp,
    builder,
    case_in,
    clock,
    hq,
    meetings,
)
from tashil.meetings.tests.test_meeting_close import Session, cast, session  # noqa: F401
from tashil.notifications.models import Notification

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def dataset(
    session: Session,  # noqa: F811
    secretariat: Any,
    owner: Any,
    admin_user: Any,
    settings: Any,
) -> dict[str, Any]:
    """The meeting session of the meetings tests (cases, agenda, draft resolutions, events),
    plus attachments with Persian names, a stray upload, permissions and an admin log entry."""
    case = session.resolved_case
    attachments = case_attach(
        actor=owner,
        case=case,
        files=[
            pdf("نامه اداره مالیات.pdf"),
            upload("صورت‌حساب.pdf", b"%PDF-1.4\n" + os.urandom(3000)),
        ],
    )
    stray = Path(settings.MEDIA_ROOT) / "figures" / "briefs" / "خلاصه.txt"
    stray.parent.mkdir(parents=True)
    stray.write_bytes("گزارش هفتگی\n".encode() * 50)
    clerks = Group.objects.create(name="clerks")
    clerks.permissions.add(Permission.objects.get(codename="view_case"))
    secretariat.user_permissions.add(Permission.objects.get(codename="change_company"))
    LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(Case),
        object_id=str(case.pk),
        object_repr=case.title,
        action_flag=ADDITION,
    )
    Notification.objects.create(user=owner, kind="test", subject="سلام", key="k:1")
    return {"case": case, "attachments": attachments}


def media_bytes(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's engine, not yet migrated."""
    from django.db import connection

    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    params = connection.settings_dict
    name = f"tashil_restore_{uuid.uuid4().hex[:12]}"
    server = (
        f"host={params['HOST'] or 'localhost'} port={params['PORT'] or 5432} "
        f"user={params['USER']} dbname=postgres"
    )
    if params.get("PASSWORD"):
        server += f" password={params['PASSWORD']}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    try:
        yield (
            f"postgres://{params['USER']}{password}@{params['HOST'] or 'localhost'}:"
            f"{params['PORT'] or 5432}/{name}"
        )
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def manage(*args: str, url: str, var: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TASHIL_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "tashil.settings",
    }
    return subprocess.run(  # noqa: S603 - our own manage.py, no shell
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_a_backup_restores_into_an_empty_database_with_every_row_and_file(
    dataset: dict[str, Any], tmp_path: Path, fresh_database_url: str, settings: Any
) -> None:
    source_media = media_bytes(Path(settings.MEDIA_ROOT))
    expected = fingerprint()
    assert len(source_media) >= 3
    assert expected["cases.Case"]["count"] >= 3
    assert expected["cases.Attachment"]["count"] == 2

    archive = backup(tmp_path / "backups" / "tashil.tar.gz")

    var = tmp_path / "restored-var"
    migrated = manage("manage.py", "migrate", "--noinput", "-v0", url=fresh_database_url, var=var)
    assert migrated.returncode == 0, migrated.stderr
    restored = manage("manage.py", "restore", str(archive), url=fresh_database_url, var=var)
    assert restored.returncode == 0, restored.stderr
    assert "counts and checksums match" in restored.stdout
    probe = manage(
        "-c",
        "import django; django.setup(); "
        "from tashil.core.tests.backup_fingerprint import main; main()",
        url=fresh_database_url,
        var=var,
    )
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)

    # Every model: the same number of rows, and the same rows.
    assert {label: t["count"] for label, t in found["tables"].items()} == {
        label: t["count"] for label, t in expected.items()
    }
    assert found["tables"] == expected
    case = Case.objects.order_by("pk").last()
    assert case is not None
    assert found["samples"]["last_case"] == [case.tracking, case.title, str(case.created_at)]
    # Every file, byte for byte, where the attachments' rows say it is.
    assert media_bytes(var / "media") == source_media
    for attachment in Attachment.objects.all():
        assert (var / "media" / attachment.file.name).read_bytes() == attachment.file.read()
    # New rows get new ids (PostgreSQL's sequences were moved past the restored ones).
    for label, (old, new) in found["new_ids"].items():
        assert new > old, label


def test_the_archive_holds_a_manifest_of_counts_and_checksums(
    dataset: dict[str, Any], tmp_path: Path
) -> None:
    call_command("backup", "--output", str(tmp_path))

    (archive,) = tmp_path.glob("tashil-backup-*.tar.gz")
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        names = set(tar.getnames())
    assert manifest["models"]["cases.Case"] == Case.objects.count()
    assert manifest["models"]["accounts.User_user_permissions"] == 1
    assert "sessions.Session" not in manifest["models"]
    assert "contenttypes.ContentType" not in manifest["models"]
    assert manifest["migrations"]["cases"]
    for attachment in dataset["attachments"]:
        assert f"media/{attachment.file.name}" in names
        assert len(manifest["files"][attachment.file.name]["sha256"]) == 64


def test_a_restore_refuses_a_database_that_is_not_empty(
    dataset: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    archive = backup(tmp_path / "tashil.tar.gz")
    before = fingerprint()

    with pytest.raises(BackupError, match="empty, migrated database"):
        restore(archive, media_root=tmp_path / "other-media")

    assert fingerprint() == before
    assert not (tmp_path / "other-media").exists()


def test_a_restore_refuses_a_damaged_archive(
    dataset: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    archive = backup(tmp_path / "tashil.tar.gz")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member)
            data = content.read() if content else b""
            if member.name.startswith("media/cases/"):
                data = data[:-1] + b"!"
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    # The files are restored (and checked) first; this database is not empty, so the files
    # step is run on its own.
    from tashil.core import backup as module

    with tarfile.open(damaged) as tar, pytest.raises(BackupError, match="damaged"):
        module._restore_files(tar, module.read_manifest(tar), tmp_path / "restored-media")


def test_the_archive_is_readable_by_its_owner_only(dataset: dict[str, Any], tmp_path: Path) -> None:
    # It holds password hashes, two-factor secrets and companies' debts.
    archive = backup(tmp_path / "tashil.tar.gz")

    assert archive.stat().st_mode & 0o777 == 0o600


def test_a_restore_refuses_a_file_that_is_not_an_archive(db: Any, tmp_path: Path) -> None:
    junk = tmp_path / "notes.tar.gz"
    junk.write_bytes(b"not a backup")

    with pytest.raises(BackupError, match="not a readable backup archive"):
        restore(junk, media_root=tmp_path / "media")


def test_a_restore_refuses_an_archive_without_a_manifest(db: Any, tmp_path: Path) -> None:
    bare = tmp_path / "bare.tar.gz"
    with tarfile.open(bare, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("data/x.jsonl"), io.BytesIO(b""))

    with pytest.raises(BackupError, match="no manifest"):
        restore(bare, media_root=tmp_path / "media")


@pytest.mark.parametrize("name", ["../outside.txt", "/etc/outside.txt", "cases/../../outside.txt"])
def test_a_restore_refuses_a_file_name_that_leaves_media_root(
    dataset: dict[str, Any], tmp_path: Path, name: str
) -> None:
    from tashil.core import backup as module

    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo(f"media/{name}")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"evil"))
    manifest = {"files": {name: {"size": 4, "sha256": "0" * 64}}}
    media = tmp_path / "restored-media"

    with tarfile.open(archive) as tar, pytest.raises(BackupError, match="Refusing"):
        module._restore_files(tar, manifest, media)

    assert not (tmp_path / "outside.txt").exists()
    assert not media.exists() or not any(media.rglob("*"))
