"""An imported report keeps where each value was read."""

from pathlib import Path

import pytest

from sengen.declarations.importing import folder_import
from sengen.declarations.models import Declaration

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed"


@pytest.mark.django_db
def test_import_dir_keeps_provenance(tmp_path):
    (tmp_path / "h29.pdf").write_bytes((SEED / "h29-shiminseikatsu-achievement.pdf").read_bytes())
    [item] = folder_import(folder=tmp_path)
    assert item.ok, item.error
    where = Declaration.objects.get().provenance
    assert where["$.initiatives[2].achievement_status[0]"] == {
        "file": str(tmp_path / "h29.pdf"), "page": 1, "cell": "目標達成状況"}
    # Running it again changes nothing.
    [again] = folder_import(folder=tmp_path)
    assert again.status == "unchanged"
    assert Declaration.objects.get().provenance == where
