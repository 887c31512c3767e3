"""Backups: the database and the uploaded files in one archive, and their restore.

An archive (tar.gz) holds:

- `manifest.json`: the format, the app version, the database it came from, the migrations
  applied, the row count of every model, and the size and SHA-256 of every data file and every
  uploaded file;
- `data/<app_label>.<model>.jsonl`: every row of a model, a header line naming the columns and
  one JSON array per row, streamed (no model is held in memory);
- `media/…`: the files under MEDIA_ROOT.

The rows are written database-neutrally (ISO dates, decimal strings), so an SQLite backup
restores into PostgreSQL and back. They are inserted as they were, with their primary keys, in
one transaction: the foreign keys Django creates are deferred to the commit on both databases,
so the order of the models does not matter. Rows are inserted raw (no `auto_now`, no signals), and
only inserted: the audit triggers of PostgreSQL refuse UPDATE and DELETE on the event tables,
not INSERT.

Left out, because `migrate` recreates them or they are worthless after a restore: content types
and permissions (the rows that point at them are written with their natural keys and mapped to
the new ids), sessions (everyone signs in again), django-axes' lock-out records and the worker's
heartbeat. The huey queue is not in the database and is not backed up: a job queued but not run
at the time of the backup is lost.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

FORMAT = 1
MANIFEST = "manifest.json"
# Rows per INSERT are further limited by the database's parameter count (SQLite: 999 or 32766).
BATCH = 500
CHUNK = 1024 * 1024

# What a restore must not bring back (see the module's docstring).
EXCLUDED = frozenset(
    {
        "contenttypes.ContentType",
        "auth.Permission",
        "sessions.Session",
        "axes.AccessAttempt",
        "axes.AccessAttemptExpiration",
        "axes.AccessFailureLog",
        "axes.AccessLog",
        "core.WorkerHeartbeat",
    }
)


class BackupError(Exception):
    """A backup that cannot be restored here, or a restore that found the archive damaged."""


@dataclass
class RestoreResult:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0


def backed_up_models() -> list[type[models.Model]]:
    """Every model with a table of its own (many-to-many tables included), in a stable order."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label not in EXCLUDED
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


# --- Values ---------------------------------------------------------------------------------------

CT_KEY = "content_type"
PERM_KEY = "permission"


def _encode(value: Any) -> Any:
    # Not DjangoJSONEncoder: it cuts datetimes to milliseconds.
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode()}
    raise TypeError(f"Cannot back up a value of type {type(value).__name__}")


def _natural_keys(alias: str) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Content types and permissions by id, as natural keys that survive a fresh migrate."""
    types = {
        pk: [app_label, model]
        for pk, app_label, model in ContentType.objects.using(alias).values_list(
            "pk", "app_label", "model"
        )
    }
    permissions = {
        pk: [*types[content_type], codename]
        for pk, content_type, codename in Permission.objects.using(alias).values_list(
            "pk", "content_type_id", "codename"
        )
    }
    return types, permissions


def _points_at(field_: models.Field[Any, Any], model: type[models.Model]) -> bool:
    return bool(field_.is_relation and field_.related_model is model)


# --- Backup ---------------------------------------------------------------------------------------


def app_version() -> str:
    try:
        return version("tashil")
    except PackageNotFoundError:
        return "unknown"


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    recorder = MigrationRecorder(connections[alias])
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(archive name relative to MEDIA_ROOT, path) of every uploaded file, sorted."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def _dump_model(
    model: type[models.Model],
    handle: IO[bytes],
    *,
    alias: str,
    types: dict[int, list[str]],
    permissions: dict[int, list[str]],
) -> int:
    columns = _columns(model)
    handle.write(json.dumps({"columns": [c.attname for c in columns]}).encode() + b"\n")
    mapped = {
        index: types if _points_at(column, ContentType) else permissions
        for index, column in enumerate(columns)
        if _points_at(column, ContentType) or _points_at(column, Permission)
    }
    rows = (
        model._base_manager.using(alias)
        .order_by("pk")
        .values_list(*[c.attname for c in columns])
        .iterator(chunk_size=2000)
    )
    count = 0
    for row in rows:
        values = list(row)
        for index, keys in mapped.items():
            if values[index] is not None:
                values[index] = keys[values[index]]
        handle.write(
            json.dumps(values, default=_encode, ensure_ascii=False, separators=(",", ":")).encode()
            + b"\n"
        )
        count += 1
    return count


def backup(
    output: Path,
    *,
    alias: str = DEFAULT_DB_ALIAS,
    media_root: Path | None = None,
    log: Callable[[str], object] = lambda _message: None,
) -> Path:
    """Write the archive; `output` is a file name or a directory to create it in. Returns the
    archive's path. The rows are read in one transaction (a consistent snapshot)."""
    media = Path(media_root or settings.MEDIA_ROOT)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    target = output / f"tashil-backup-{stamp}.tar.gz" if output.is_dir() else output
    target.parent.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "app_version": app_version(),
        "database": connections[alias].vendor,
        "migrations": applied_migrations(alias),
        "excluded": sorted(EXCLUDED),
        "models": {},
        "data": {},
        "files": {},
    }
    with tempfile.TemporaryDirectory(prefix="tashil-backup-") as staging:
        data_dir = Path(staging)
        connection = connections[alias]
        outermost = not connection.in_atomic_block
        with transaction.atomic(using=alias):
            if connection.vendor == "postgresql" and outermost:
                # One snapshot for every table: rows written during the backup are either all
                # in it or all out of it. (SQLite's write transaction already excludes writers.)
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            types, permissions = _natural_keys(alias)
            for model in backed_up_models():
                label = model._meta.label
                path = data_dir / f"{model._meta.label_lower}.jsonl"
                with path.open("wb") as handle:
                    count = _dump_model(
                        model, handle, alias=alias, types=types, permissions=permissions
                    )
                manifest["models"][label] = count
                manifest["data"][label] = {
                    "size": path.stat().st_size,
                    "sha256": _sha256(path),
                }
                log(f"{label}: {count}")
        files = list(media_files(media))
        for name, path in files:
            manifest["files"][name] = {"size": path.stat().st_size, "sha256": _sha256(path)}
        log(f"{len(files)} uploaded files")
        partial = target.with_name(target.name + ".partial")
        # Readable by the owner only: the archive holds password hashes, two-factor secrets and
        # companies' debts.
        partial.touch(mode=0o600, exist_ok=True)
        partial.chmod(0o600)
        with tarfile.open(partial, "w:gz") as archive:
            body = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(body))
            for model in backed_up_models():
                name = f"{model._meta.label_lower}.jsonl"
                archive.add(data_dir / name, arcname=f"data/{name}", recursive=False)
            for name, path in files:
                archive.add(path, arcname=f"media/{name}", recursive=False)
        # Renamed only once complete: a backup killed midway leaves no archive that looks whole.
        os.replace(partial, target)
    return target


# --- Restore --------------------------------------------------------------------------------------


def _member(archive: tarfile.TarFile, name: str) -> IO[bytes] | None:
    # extractfile raises KeyError for a missing member, and None for a directory or link.
    try:
        return archive.extractfile(name)
    except KeyError:
        return None


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    member = _member(archive, MANIFEST)
    if member is None:
        raise BackupError("The archive has no manifest: it is not a Tashil backup.")
    manifest: dict[str, Any] = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"Refusing the file name {name!r} in the archive.")
    return path


def _check_target(manifest: dict[str, Any], alias: str, media: Path) -> None:
    """Everything that makes a restore refuse, checked before anything is written."""
    applied = applied_migrations(alias)
    if applied != manifest["migrations"]:
        missing = sorted(
            f"{app}.{name}"
            for app, names in manifest["migrations"].items()
            for name in names
            if name not in applied.get(app, [])
        )
        extra = sorted(
            f"{app}.{name}"
            for app, names in applied.items()
            for name in names
            if name not in manifest["migrations"].get(app, [])
        )
        raise BackupError(
            "The database's migrations differ from the backup's: run the version of Tashil that "
            f"made the backup ({manifest['app_version']}) and migrate. "
            f"Missing here: {', '.join(missing[:10]) or 'none'}; "
            f"not in the backup: {', '.join(extra[:10]) or 'none'}."
        )
    known = {model._meta.label for model in backed_up_models()}
    unknown = sorted(set(manifest["models"]) - known)
    if unknown:
        raise BackupError(f"The backup holds models this version lacks: {', '.join(unknown)}.")
    not_empty = [
        model._meta.label
        for model in backed_up_models()
        if model._base_manager.using(alias).exists()
    ]
    if not_empty:
        raise BackupError(
            "Restore needs an empty, migrated database; this one has rows in "
            f"{', '.join(not_empty[:10])}. Create a new database and run migrate first."
        )
    for name, expected in manifest["files"].items():
        path = media / _safe_name(name)
        if path.exists() and (
            path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]
        ):
            raise BackupError(
                f"{path} exists with other contents; restore into an empty MEDIA_ROOT."
            )


def _restore_files(archive: tarfile.TarFile, manifest: dict[str, Any], media: Path) -> int:
    restored = 0
    for name, expected in manifest["files"].items():
        source = _member(archive, f"media/{name}")
        if source is None:
            raise BackupError(f"The file {name} is missing from the archive.")
        path = media / _safe_name(name)
        # A symlinked directory already under MEDIA_ROOT must not carry a file outside it.
        if not path.parent.resolve().is_relative_to(media.resolve()) and path.parent.exists():
            raise BackupError(f"Refusing to write {name} outside {media}.")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".restoring")
        digest = hashlib.sha256()
        with partial.open("wb") as handle:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                handle.write(chunk)
        if digest.hexdigest() != expected["sha256"]:
            partial.unlink()
            raise BackupError(f"The file {name} is damaged in the archive (checksum differs).")
        os.replace(partial, path)
        restored += 1
    return restored


def _decoder(
    column: models.Field[Any, Any],
    *,
    types: dict[tuple[str, ...], int],
    permissions: dict[tuple[str, ...], int],
) -> Callable[[Any], Any]:
    if _points_at(column, ContentType) or _points_at(column, Permission):
        table = types if _points_at(column, ContentType) else permissions

        def natural(value: Any) -> Any:
            if value is None:
                return None
            try:
                return table[tuple(value)]
            except KeyError:
                raise BackupError(f"No {column.related_model} {value} in this database.") from None

        return natural
    target = column.target_field if column.is_relation else column  # type: ignore[attr-defined]

    def plain(value: Any) -> Any:
        if value is None:
            return None
        if (
            isinstance(value, dict)
            and set(value) == {"base64"}
            and not isinstance(target, models.JSONField)
        ):
            return base64.b64decode(value["base64"])
        return target.to_python(value)

    return plain


def _restore_model(
    model: type[models.Model],
    lines: IO[bytes],
    *,
    alias: str,
    types: dict[tuple[str, ...], int],
    permissions: dict[tuple[str, ...], int],
) -> int:
    header = json.loads(lines.readline())
    by_attname = {c.attname: c for c in _columns(model)}
    try:
        columns = [by_attname[name] for name in header["columns"]]
    except KeyError as missing:
        raise BackupError(f"{model._meta.label} has no column {missing} here.") from None
    decoders = [_decoder(c, types=types, permissions=permissions) for c in columns]
    connection = connections[alias]
    size = max(1, min(BATCH, connection.ops.bulk_batch_size(columns, [None] * BATCH)))
    manager = model._base_manager.using(alias)
    batch: list[models.Model] = []
    count = 0

    def flush() -> None:
        # raw=True: the values as saved, not what auto_now or a FileField's pre_save would
        # make of them; and only INSERTs (the audit triggers refuse UPDATE).
        manager._insert(batch, fields=columns, using=alias, raw=True)  # type: ignore[attr-defined]
        batch.clear()

    for line in lines:
        values = json.loads(line)
        instance = model(
            **{
                column.attname: decode(value)
                for column, decode, value in zip(columns, decoders, values, strict=True)
            }
        )
        batch.append(instance)
        count += 1
        if len(batch) >= size:
            flush()
    if batch:
        flush()
    return count


def restore(
    archive_path: Path,
    *,
    alias: str = DEFAULT_DB_ALIAS,
    media_root: Path | None = None,
    log: Callable[[str], object] = lambda _message: None,
) -> RestoreResult:
    """Restore an archive into an empty, migrated database and MEDIA_ROOT, then check every
    model's row count and every file's checksum against the manifest. Refuses (BackupError)
    before writing anything when the database has rows, its migrations differ from the
    backup's, or a file would overwrite another."""
    media = Path(media_root or settings.MEDIA_ROOT)
    result = RestoreResult()
    try:
        archive = tarfile.open(archive_path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive_path} is not a readable backup archive: {error}") from error
    with archive:
        manifest = read_manifest(archive)
        _check_target(manifest, alias, media)
        # Files first: they are checked as they are written, and a database restore that
        # fails afterwards can simply be run again (identical files are accepted).
        result.files = _restore_files(archive, manifest, media)
        log(f"{result.files} files restored")
        connection = connections[alias]
        types: dict[tuple[str, ...], int] = {
            (app_label, model): pk
            for pk, app_label, model in ContentType.objects.using(alias).values_list(
                "pk", "app_label", "model"
            )
        }
        permissions: dict[tuple[str, ...], int] = {
            (app_label, model, codename): pk
            for pk, app_label, model, codename in Permission.objects.using(alias).values_list(
                "pk", "content_type__app_label", "content_type__model", "codename"
            )
        }
        restored_models = [
            apps.get_model(label) for label in manifest["models"] if manifest["models"][label]
        ]
        with transaction.atomic(using=alias):
            for model in restored_models:
                label = model._meta.label
                member = _member(archive, f"data/{model._meta.label_lower}.jsonl")
                if member is None:
                    raise BackupError(f"The rows of {label} are missing from the archive.")
                data = _verified_copy(member, manifest["data"][label]["sha256"], label)
                with data:
                    count = _restore_model(
                        model, data, alias=alias, types=types, permissions=permissions
                    )
                result.rows[label] = count
                log(f"{label}: {count}")
            # The deferred foreign keys, checked now for a clear error rather than at COMMIT.
            connection.check_constraints()
            # PostgreSQL hands out ids from sequences that the explicit ids did not advance.
            statements = connection.ops.sequence_reset_sql(no_style(), restored_models)
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
            for model in backed_up_models():
                expected = manifest["models"].get(model._meta.label, 0)
                found = model._base_manager.using(alias).count()
                if found != expected:
                    raise BackupError(
                        f"{model._meta.label}: {found} rows after the restore, "
                        f"{expected} in the backup."
                    )
    return result


def _verified_copy(member: IO[bytes], sha256: str, label: str) -> IO[bytes]:
    """The data file in a temporary file, its checksum checked before any row is inserted."""
    copy = tempfile.TemporaryFile()  # noqa: SIM115 - returned to the caller, who closes it
    digest = hashlib.sha256()
    while chunk := member.read(CHUNK):
        digest.update(chunk)
        copy.write(chunk)
    if digest.hexdigest() != sha256:
        copy.close()
        raise BackupError(f"The rows of {label} are damaged in the archive (checksum differs).")
    copy.seek(0)
    return copy
