"""Staff accounts of every role in two departments of one city, for the workflow tests.

The departments and sections are those of the seed report (市民生活部: 市民協働課,
交通防犯担当, …) plus a second department, 総務部, to be refused."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from sengen.declarations.models import Department, Role, Section, StaffProfile
from sengen.declarations.services.imports import municipality_for_report, report_import

PASSWORD = "sengen-test-password"


def make_user(username: str, role: str | None, *, department=None, section=None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if role is not None:
        StaffProfile.objects.create(user=user, role=role, department=department, section=section)
    return user


@dataclass
class People:
    admin: object
    director: object
    editor: object
    viewer: object
    other_director: object
    other_editor: object
    nobody: object  # an account without a role
    department: Department
    section: Section
    other_department: Department
    other_section: Section

    def by_role(self, name: str):
        return getattr(self, name)


ROLES = ["admin", "director", "editor", "viewer", "other_director", "other_editor", "nobody"]


def make_people() -> People:
    city = municipality_for_report("伊勢原市")
    department, _ = Department.objects.get_or_create(municipality=city, name="市民生活部",
                                                     defaults={"director_title": "市民生活部長"})
    section, _ = Section.objects.get_or_create(department=department, name="市民協働課")
    other_department, _ = Department.objects.get_or_create(municipality=city, name="総務部",
                                                           defaults={"director_title": "総務部長"})
    other_section, _ = Section.objects.get_or_create(department=other_department, name="職員課")
    return People(
        admin=make_user("gyosei", Role.ADMINISTRATOR),
        director=make_user("shimin-bucho", Role.DIRECTOR, department=department),
        editor=make_user("kyodo", Role.SECTION_EDITOR, section=section),
        viewer=make_user("etsuran", Role.VIEWER),
        other_director=make_user("somu-bucho", Role.DIRECTOR, department=other_department),
        other_editor=make_user("shokuin", Role.SECTION_EDITOR, section=other_section),
        nobody=make_user("nanashi", None),
        department=department, section=section, other_department=other_department, other_section=other_section,
    )


def other_department_doc(seed_doc: dict) -> dict:
    """The seed report as if 総務部 had written it, its initiatives owned by 職員課."""
    doc = copy.deepcopy(seed_doc)
    doc["department"] = "総務部"
    doc["director"] = {"title": "総務部長", "name": "山田 花子"}
    for initiative in doc["initiatives"]:
        initiative["sections"] = ["職員課"]
    return doc


def draft_reports(seed_doc: dict):
    """This year's year-end report of both departments, in draft (what staff complete)."""
    mine = report_import(doc=copy.deepcopy(seed_doc), state="draft").declaration
    other = report_import(doc=other_department_doc(seed_doc), state="draft").declaration
    return mine, other
