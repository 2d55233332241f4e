"""The declaration's form (様式) on the staff pages: which of sengen.report/2's columns a page
shows, and under which of the form's labels. Reads a ``core.forms.Form``; no business rule."""

from __future__ import annotations

from sengen.core import forms as core_forms

from .fields import LinesField

# A form other than the seed's names its columns in its own words and may lack some of the seed's
# or have others (sengen.report/2's background, approach…): the pages show the fields the form
# has, labelled as it labels them (the city's words: data, shown as written). The seed's form
# keeps the pages' own translated labels, exactly as before.

# Brackets a form prints around a part's label inside a column header (「（担当課名）」).
_WRAPPERS = "（）［］【】()[]〔〕「」"
# The /2 columns a plan carries, and those written at the year's end.
PLAN_COLUMNS = ("background", "approach", "partners", "remarks", "plan_refs")
RESULT_COLUMNS = ("self_evaluation", "remarks")


def is_seed_form(form) -> bool:
    return form is None or form.code == core_forms.DEFAULT_FORM


def _layouts(form, document: str):
    """The layouts of ``document`` (else the form's last) — what a page of that phase shows."""
    if document in form.layouts:
        return [form.layouts[document]]
    return [form.layouts[form.documents[-1]]] if form.documents else []


def form_roles(form, document: str) -> set[str]:
    return {role for layout in _layouts(form, document) for role in layout.roles}


def role_labels(form) -> dict[str, str]:
    """Each role's label as the form prints it (its first appearance, declaration first): a
    column's header line that stands for the part, without the brackets around it."""
    labels: dict[str, str] = {}
    for document in form.documents:
        for column in form.layouts[document].columns:
            lines = column.label_lines
            for i, part in enumerate(column.parts):
                if part.role == "extra":
                    continue
                if len(lines) == len(column.parts):
                    text = lines[i]
                elif i == 0:
                    text = " ".join(lines)
                else:
                    text = part.heading or ""
                text = text.strip().strip(_WRAPPERS).strip()
                if text:
                    labels.setdefault(part.role, text)
    return labels


def extra_labels(form, document: str) -> list[str]:
    """The labels of the form's columns without a role (kept in ``extra`` under that label)."""
    found = []
    for layout in _layouts(form, document):
        for column in layout.columns:
            for part in column.parts:
                if part.role == "extra" and (part.label or column.label) not in found:
                    found.append(part.label or column.label)
    return found


def interim_words(form) -> dict[str, str]:
    """The form's words for each interim status, else the shared ones (F6 of FAMILIES.md)."""
    return dict(form.interim_levels or core_forms.preset_parts()["interim_levels"]["yonago"])


class FormFieldsMixin:
    """Adds the /2 columns of the declaration's form to a Django form and relabels those it has."""

    report_form = None
    extra_fields: dict[str, str]

    def _relabel(self, labels: dict[str, str], names) -> None:
        for name in names:
            if name in self.fields and labels.get(name):
                self.fields[name].label = labels[name]

    def _add_columns(self, names, roles, labels) -> None:
        for name in names:
            if name in roles and name not in self.fields:
                self.fields[name] = LinesField(label=labels.get(name) or name)

    def _add_extra(self, labels_list) -> None:
        self.extra_fields = {}
        for i, label in enumerate(labels_list):
            self.fields[f"extra_{i}"] = LinesField(label=label)
            self.extra_fields[f"extra_{i}"] = label

    def extra_data(self) -> list[dict] | None:
        if not self.extra_fields:
            return None
        return [{"label": label, "items": self.cleaned_data.get(name) or []}
                for name, label in self.extra_fields.items()]

    def column_data(self, name):
        """A /2 column's input, or None when the form has no such column (kept as stored)."""
        return self.cleaned_data.get(name) if name in self.fields else None

    @property
    def shown_fields(self):
        return [self[name] for name in self.fields if name != "version"]


def extra_initial(initiative) -> dict[str, list[str]]:
    """``initiative.extra`` by label, for a form's ``extra_<i>`` fields."""
    return {e.get("label"): list(e.get("items") or []) for e in (initiative.extra or [])} if initiative else {}
