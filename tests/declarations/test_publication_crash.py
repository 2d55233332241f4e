"""A publication that dies half-way leaves the data — and what citizens read — as it was.

Publishing writes several things: the declaration's state, the Publication snapshot the public
pages read, what the portal indexes from it, the audit entry. A failure after some of them
(an exception, or the process killed with no chance to roll back) must leave none of them.
On SQLite and on PostgreSQL (`make test` runs the database tests on both)."""

from __future__ import annotations

import pytest

from sengen.declarations.models import Declaration, Publication, Revision
from sengen.declarations.selectors import public_document
from sengen.declarations.services import publications
from sengen.declarations.services.publications import Correction, initiative_correct
from sengen.declarations.services.transitions import declaration_transition
from tests.test_backup import database_for_another_process, run, snapshot, snapshot_of

from .helpers import fresh, initiative, judge_all


def checked(people, declaration) -> Declaration:
    """The year-end report judged, approved and checked: one step from being published."""
    judge_all(people.director, declaration)
    declaration_transition(user=people.director, declaration=declaration, action="approve")
    declaration_transition(user=people.admin, declaration=declaration, action="check")
    return fresh(declaration)


def public_view() -> dict:
    """What the public pages read for every declaration (None: not published), and what the
    public index (search, year page) holds: a correction keeps the row counts, not the text."""
    from sengen.declarations.models import PublicEntry, PublicSummary

    return {
        "documents": {d.pk: public_document(declaration=d) for d in Declaration.objects.order_by("pk")},
        "entries": list(PublicEntry.objects.order_by("declaration_id", "position")
                        .values_list("declaration_id", "publication_id", "title", "text")),
        "summaries": list(PublicSummary.objects.order_by("declaration_id").values()),
    }


def dying_after_the_snapshot(monkeypatch, error: Exception) -> list:
    """Make ``publications.snapshot`` write its Publication (and whatever goes with it), then fail."""
    real, written = publications.snapshot, []

    def dying(**kwargs):
        written.append(real(**kwargs))
        raise error

    monkeypatch.setattr(publications, "snapshot", dying)
    return written


def test_a_publication_that_fails_after_writing_its_snapshot_leaves_everything_as_it_was(
        people, reports, monkeypatch):
    mine = checked(people, reports[0])
    before, seen = snapshot(), public_view()
    written = dying_after_the_snapshot(monkeypatch, OSError("the disk is full"))
    with pytest.raises(OSError):
        declaration_transition(user=people.admin, declaration=mine, action="publish")
    assert len(written) == 1  # the snapshot was written before it failed…
    assert snapshot() == before  # …and neither it, the state change nor an audit entry stayed
    assert public_view() == seen and seen["documents"][mine.pk] is None
    assert (fresh(mine).state, fresh(mine).published_at) == ("checked", None)
    # Nothing is stuck either: publishing again, without the failure, works.
    monkeypatch.undo()
    declaration_transition(user=people.admin, declaration=mine, action="publish")
    assert public_document(declaration=mine) is not None


def test_a_correction_that_fails_half_way_keeps_the_published_text(people, reports, monkeypatch):
    mine = checked(people, reports[0])
    declaration_transition(user=people.admin, declaration=mine, action="publish")
    before, seen = snapshot(), public_view()
    four = initiative(mine, 4)
    site = four.targets.get(position=1)
    written = dying_after_the_snapshot(monkeypatch, RuntimeError("connection lost"))
    with pytest.raises(RuntimeError):
        initiative_correct(user=people.admin, initiative=four, version=four.version, reason="誤字の訂正",
                           correction=Correction(title="男女共同参画の推進（訂正）", content=four.content,
                                                 target_texts={site.pk: "男女共同参画ホームページの公開"}))
    assert len(written) == 1
    assert snapshot() == before
    assert public_view() == seen
    assert not Revision.objects.exists()
    assert fresh(four).title == "男女共同参画の推進"


# The process killed in the middle of publishing: no exception handler, no rollback call. The
# Publication has been written when it dies.
KILLED = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "sengen.settings"
django.setup()
from django.contrib.auth import get_user_model
from sengen.declarations.models import Declaration
from sengen.declarations.services import publications
from sengen.declarations.services.transitions import declaration_transition
real = publications.snapshot
def dying(**kwargs):
    real(**kwargs)
    os._exit(9)
publications.snapshot = dying
declaration_transition(user=get_user_model().objects.get(username=sys.argv[1]),
                       declaration=Declaration.objects.get(pk=int(sys.argv[2])), action="publish")
"""


def test_a_process_killed_in_the_middle_of_publishing_leaves_the_data_as_it_was(
        committed_db, people, reports, tmp_path):
    mine = checked(people, reports[0])
    url = database_for_another_process(tmp_path)
    before = snapshot_of(url, tmp_path)
    assert before["counts"]["declarations.Publication"] == Publication.objects.count()

    result = run(KILLED, url, tmp_path, people.admin.username, str(mine.pk))
    assert result.returncode == 9, result.stderr
    assert snapshot_of(url, tmp_path) == before
