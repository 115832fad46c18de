"""Framework files: every real file in govindex/frameworks/ loads, and the published ones hold the
published structure."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from govindex.scoring import FrameworkError, available_frameworks, framework_path, load_framework
from govindex.scoring.framework import Aggregation
from govindex.scoring.loading import FRAMEWORKS_DIR, load_framework_file

from .builders import framework_dict, leaf

FRAMEWORK_FILES = sorted(FRAMEWORKS_DIR.glob("*.yaml"))


def test_the_framework_directory_is_not_empty() -> None:
    assert FRAMEWORK_FILES, f"no framework files in {FRAMEWORKS_DIR}"


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=lambda path: path.stem)
def test_every_framework_file_loads(path: Path) -> None:
    framework = load_framework_file(path)

    assert framework.id == path.stem
    assert framework.leaf_ids
    assert len(framework.checksum) == 64
    assert all(set(node.names) == {"vi", "en", "id"} for node in framework.nodes)


def test_available_frameworks_lists_every_file() -> None:
    infos = available_frameworks()

    assert [info.id for info in infos] == [path.stem for path in FRAMEWORK_FILES]


def test_pci_has_the_ten_published_sub_indices_and_weights() -> None:
    framework = load_framework("pci-vcci")

    assert framework.leaf_ids == (
        "entry_costs",
        "land_access",
        "transparency",
        "time_costs",
        "informal_charges",
        "equal_competition",
        "proactivity",
        "business_support",
        "labour_training",
        "legal_institutions",
    )
    assert [leaf.weight for leaf in framework.leaves] == [5, 5, 20, 5, 10, 5, 5, 20, 20, 5]
    assert framework.root.aggregation is Aggregation.WEIGHTED_MEAN
    assert [leaf.max_points for leaf in framework.leaves] == [10.0] * 10


def test_pgi_has_the_four_published_sub_indices() -> None:
    framework = load_framework("pgi-vcci")

    assert framework.leaf_ids == (
        "climate_risk",
        "environmental_standards",
        "environmental_leadership",
        "environmental_support",
    )


def test_dvc_766_has_the_five_group_maxima() -> None:
    framework = load_framework("dvc-766")

    assert [area.max_points for area in framework.areas] == [18.0, 20.0, 22.0, 22.0, 18.0]
    assert framework.root.max_points == 100.0


def test_a_file_whose_id_differs_from_its_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other-name.yaml"
    path.write_text(yaml.safe_dump(framework_dict([leaf("a", 10)], 10)), encoding="utf-8")

    with pytest.raises(FrameworkError) as caught:
        load_framework_file(path)

    assert caught.value.problems == ["id 'mini' differs from the file name"]
    assert caught.value.source == "other-name.yaml"


def test_a_file_whose_id_matches_its_name_loads(tmp_path: Path) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(framework_dict([leaf("a", 10)], 10)), encoding="utf-8")

    assert load_framework_file(path).leaf_ids == ("a",)
    assert load_framework("mini", tmp_path).id == "mini"


def test_a_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")

    with pytest.raises(FrameworkError) as caught:
        load_framework_file(path)

    assert caught.value.problems[0].startswith("not valid YAML:")


def test_an_unknown_framework_id_names_the_known_ones(tmp_path: Path) -> None:
    (tmp_path / "mini.yaml").write_text("id: mini\n", encoding="utf-8")

    with pytest.raises(FrameworkError) as caught:
        framework_path("missing", tmp_path)

    assert caught.value.problems == ["no framework file missing.yaml (known: mini)"]
