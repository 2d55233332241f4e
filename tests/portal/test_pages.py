"""The public pages: what each shows, and that only published reports are ever shown."""

import copy
import re

import pytest
from django.urls import reverse

from sengen.declarations.models import Declaration, Initiative, Target
from sengen.declarations.services.imports import report_import

pytestmark = pytest.mark.django_db

DEPT = "市民生活部"


def get(client, name, *args, **headers):
    return client.get(reverse(f"portal:{name}", args=args), **headers)


def text_of(response) -> str:
    return response.content.decode()


# --------------------------------------------------------------------------- index and year

def test_the_index_links_each_year_and_the_latest_reports(client, two_years):
    html = text_of(client.get("/"))
    assert f'href="{reverse("portal:year", args=[2018])}"' in html
    assert f'href="{reverse("portal:year", args=[2017])}"' in html
    assert f'href="{reverse("portal:report", args=[2018, DEPT])}"' in html


def test_the_year_page_counts_each_departments_targets_by_evaluation(client, published):
    response = get(client, "year", 2017)
    assert response.status_code == 200
    html = text_of(response)
    row = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    cells = re.findall(r'<td class="num">(\d+)</td>', row)
    # 5 initiatives, 9 targets: 2 achieved, 0 partly, 3 not achieved, 4 not evaluated (the seed)
    assert cells == ["5", "9", "2", "0", "3", "4"]
    assert f'href="{reverse("portal:report", args=[2017, DEPT])}"' in html


def test_the_year_page_has_a_chart_with_a_name_and_the_table_beside_it(client, published):
    html = text_of(get(client, "year", 2017))
    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert 'role="img"' in svg and 'aria-label="平成29年度 部ごとの達成目標の評価（件数）"' in svg
    assert "width=" not in svg.split("viewBox")[0]  # sized by CSS, so it fits a phone
    assert "<caption" in html


def test_a_year_without_a_published_report_is_404(client, seed_doc):
    report_import(doc=seed_doc, state="submitted")
    assert get(client, "year", 2017).status_code == 404
    assert get(client, "year", 1999).status_code == 404


# --------------------------------------------------------------------------- report

def test_the_report_shows_each_targets_figures_and_evaluation(client, published):
    html = text_of(get(client, "report", 2017, DEPT))
    # くらし安心メール: target, actual, rate and the evaluation in words and shape, not colour alone
    assert "12,000人" in html and "11,820人" in html and "98.5%" in html
    assert '<span class="status__mark" aria-hidden="true">×</span>未達成' in html
    assert '<span class="status__mark" aria-hidden="true">○</span>達成' in html
    assert "14,500枚" in html and "13,055枚" in html and "90.0%" in html


def test_the_report_shows_the_citys_grade_when_one_is_set(client, seed_doc):
    seed_doc["initiatives"][1]["targets"][1]["grade"] = "B"
    report_import(doc=seed_doc)
    assert '評価段階：</span><span lang="ja">B</span>' in text_of(get(client, "report", 2017, DEPT))


def test_the_report_tallies_its_targets(client, published):
    html = text_of(get(client, "report", 2017, DEPT))
    tally = re.search(r'<ul class="tally">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"<strong>(\d+)</strong>", tally) == ["2", "0", "3", "4"]


def test_the_cards_repeat_the_table_rows_in_the_same_order(client, published, seed_doc):
    html = text_of(get(client, "report", 2017, DEPT))
    table = html.split('<ol class="report-cards">')[0]
    cards = html.split('<ol class="report-cards">')[1]
    titles = [i["title"] for i in seed_doc["initiatives"]]
    assert [t for t in titles if t in table] == titles
    positions = [cards.index(t) for t in titles]
    assert positions == sorted(positions)
    assert cards.count('<li class="card">') == len(titles)


def test_the_report_links_each_initiative_and_every_download(client, published):
    html = text_of(get(client, "report", 2017, DEPT))
    assert f'href="{reverse("portal:initiative", args=[2017, DEPT, 2])}"' in html
    for fmt in ("pdf", "xlsx", "csv", "json"):
        assert f'href="{reverse("portal:download", args=[2017, DEPT, fmt])}"' in html


def test_a_declaration_has_no_evaluations_to_show(client, seed_doc):
    seed_doc["document"] = "declaration"
    for initiative in seed_doc["initiatives"]:
        initiative["results"] = initiative["future_direction"] = initiative["achievement_status"] = []
        for target in initiative["targets"]:
            target.update(actual=None, achievement_rate=None, evaluation="not_evaluated")
    report_import(doc=seed_doc)
    html = text_of(get(client, "report", 2017, DEPT))
    assert "目標宣言" in html
    assert 'class="status ' not in html and 'class="tally"' not in html


# --------------------------------------------------------------------------- initiative

def test_the_initiative_page_shows_its_targets_and_texts(client, published):
    response = get(client, "initiative", 2017, DEPT, 2)
    assert response.status_code == 200
    html = text_of(response)
    assert "<h1 lang=\"ja\">くらし安心メールの利用拡大</h1>" in html
    assert "平成２９年度末時点のくらし安心メール登録目標：１２,０００人" in html
    assert "98.5%" in html
    assert "ほかの年度に公開されている同じ取組はありません。" in html


def test_the_initiative_page_links_the_same_initiative_in_other_years(client, two_years):
    html = text_of(get(client, "initiative", 2018, DEPT, 2))
    assert f'href="{reverse("portal:initiative", args=[2017, DEPT, 2])}"' in html
    # carried_from links an initiative whose title changed
    html = text_of(get(client, "initiative", 2018, DEPT, 3))
    assert f'href="{reverse("portal:initiative", args=[2017, DEPT, 3])}"' in html
    assert "この取組の前年度の取組" in html
    html = text_of(get(client, "initiative", 2017, DEPT, 3))
    assert f'href="{reverse("portal:initiative", args=[2018, DEPT, 3])}"' in html
    assert "この取組を引き継いだ取組" in html


def test_the_initiative_page_charts_a_numeric_target_over_the_years(client, two_years):
    html = text_of(get(client, "initiative", 2018, DEPT, 2))
    section = html.split('id="series-heading"')[1]
    assert section.count("<svg") == 2  # both numeric targets of initiative 2 have two years
    rows = re.findall(r"<tr(?: class=\"current\")?>\s*<th scope=\"row\">(.*?)</th>\s*<td class=\"num\">(.*?)</td>"
                      r"\s*<td class=\"num\">(.*?)</td>\s*<td class=\"num\">(.*?)</td>", section, re.S)
    registrations = [r for r in rows if "人" in r[1]]
    assert [(r[1], r[2], r[3]) for r in registrations] == [("12,000人", "11,820人", "98.5%"),
                                                           ("13,000人", "13,210人", "101.6%")]


def test_a_single_year_gets_the_table_but_no_chart(client, published):
    html = text_of(get(client, "initiative", 2017, DEPT, 5))
    section = html.split('id="series-heading"')[1]
    assert "<svg" not in section and "14,500枚" in section


def test_a_revised_target_shows_what_it_was_and_why(client, published):
    old = Target.objects.get(initiative__declaration=published, initiative__number=2, position=1)
    Target.objects.create(initiative=old.initiative, position=1, text="登録目標：１１,５００人", kind="numeric",
                          value=11500, unit="人", revised_from=old, revision_reason="転出者の登録解除を反映")
    html = text_of(get(client, "initiative", 2017, DEPT, 2))
    changes = html.split("目標の変更")[1]
    assert "平成２９年度末時点のくらし安心メール登録目標：１２,０００人" in changes
    assert "登録目標：１１,５００人" in changes and "転出者の登録解除を反映" in changes


def test_an_unknown_initiative_is_404(client, published):
    assert get(client, "initiative", 2017, DEPT, 99).status_code == 404


# --------------------------------------------------------------------------- never public

@pytest.mark.parametrize("state", ["draft", "submitted", "approved", "checked"])
def test_work_in_progress_is_on_no_public_page(client, seed_doc, state):
    report_import(doc=seed_doc, state=state)
    assert get(client, "report", 2017, DEPT).status_code == 404
    assert get(client, "initiative", 2017, DEPT, 1).status_code == 404
    assert get(client, "year", 2017).status_code == 404
    for fmt in ("csv", "json", "xlsx"):
        assert get(client, "download", 2017, DEPT, fmt).status_code == 404
    assert DEPT not in text_of(client.get("/"))
    assert "件の報告" not in text_of(client.get("/"))
    assert "0件" in text_of(client.get(reverse("portal:search"), {"q": "公民"}))


def test_a_draft_beside_a_published_year_stays_hidden(client, seed_doc):
    report_import(doc=seed_doc)
    draft = copy.deepcopy(seed_doc)
    draft["department"] = "総務部"
    draft["initiatives"][0]["title"] = "秘密の下書き"
    report_import(doc=draft, state="draft")
    assert "総務部" not in text_of(get(client, "year", 2017))
    assert "秘密の下書き" not in text_of(client.get(reverse("portal:search"), {"q": "秘密"}))
    # and an initiative of a published year links no unpublished year
    Initiative.objects.filter(declaration__department__name="総務部", number=1).update(
        carried_from=Initiative.objects.get(declaration__department__name=DEPT, number=1))
    assert "総務部" not in text_of(get(client, "initiative", 2017, DEPT, 1))


def test_the_portal_needs_no_login_and_writes_nothing(client, published):
    before = Declaration.objects.get().version
    for response in (client.get("/"), get(client, "year", 2017), get(client, "report", 2017, DEPT),
                     get(client, "initiative", 2017, DEPT, 1)):
        assert response.status_code == 200
    assert client.post("/").status_code == 405
    assert Declaration.objects.get().version == before


def test_text_from_a_report_is_escaped_on_every_page(client, seed_doc):
    seed_doc["initiatives"][0]["title"] = '<script>alert("x")</script>公民'
    report_import(doc=seed_doc)
    pages = [get(client, "report", 2017, DEPT), get(client, "initiative", 2017, DEPT, 1),
             client.get(reverse("portal:search"), {"q": "公民"})]
    for response in pages:
        assert "<script>" not in text_of(response)
        assert "&lt;script&gt;" in text_of(response)
