"""Find and load framework files (YAML, one per methodology version) from ``govindex/frameworks``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from govindex.scoring.errors import FrameworkError
from govindex.scoring.framework import Framework
from govindex.scoring.validation import parse_framework

FRAMEWORKS_DIR = Path(__file__).resolve().parent.parent / "frameworks"


@dataclass(frozen=True)
class FrameworkInfo:
    id: str
    version: str
    name_vi: str
    name_en: str
    legal_basis: str
    leaves: int
    path: Path


def framework_path(framework_id: str, directory: Path = FRAMEWORKS_DIR) -> Path:
    path = directory / f"{framework_id}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.yaml"))) or "none"
        raise FrameworkError(framework_id, [f"no framework file {path.name} (known: {known})"])
    return path


def load_framework_file(path: Path) -> Framework:
    text = path.read_bytes()
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise FrameworkError(path.name, [f"not valid YAML: {error}"]) from error
    framework = parse_framework(raw, source=path.name, checksum=hashlib.sha256(text).hexdigest())
    if framework.id != path.stem:
        raise FrameworkError(path.name, [f"id {framework.id!r} differs from the file name"])
    return framework


@lru_cache(maxsize=64)
def load_framework(framework_id: str, directory: Path = FRAMEWORKS_DIR) -> Framework:
    """The framework with this id, validated; cached per process (the files are read-only data)."""
    return load_framework_file(framework_path(framework_id, directory))


def available_frameworks(directory: Path = FRAMEWORKS_DIR) -> list[FrameworkInfo]:
    infos = []
    for path in sorted(directory.glob("*.yaml")):
        framework = load_framework_file(path)
        infos.append(
            FrameworkInfo(
                id=framework.id,
                version=framework.version,
                name_vi=framework.name("vi"),
                name_en=framework.name("en"),
                legal_basis=framework.legal_basis,
                leaves=len(framework.leaf_ids),
                path=path,
            )
        )
    return infos
