"""Charts are inline SVG with a name, drawn in a Japanese font, and change nothing global."""

import matplotlib

from sengen.portal import charts

ROWS = [{"department": "市民生活部", "counts": {"achieved": 2, "partially_achieved": 0, "not_achieved": 3,
                                             "not_evaluated": 4}}]
LABELS = {"achieved": "達成", "partially_achieved": "一部達成", "not_achieved": "未達成", "not_evaluated": "評価なし"}


def test_the_japanese_font_comes_from_the_japanize_matplotlib_wheel():
    assert charts.japanese_font() == "IPAexGothic"


def test_a_summary_chart_is_an_accessible_inline_svg():
    svg = charts.year_summary_chart(ROWS, labels=LABELS, title="平成29年度の評価", axis_label="件数")
    assert svg.startswith("<svg") and "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert 'role="img" aria-label="平成29年度の評価"' in svg and "<title>平成29年度の評価</title>" in svg
    assert "IPAexGothic" in svg and "市民生活部" in svg  # text stays text (svg.fonttype none)


def test_two_charts_on_one_page_have_distinct_ids():
    points = [{"short": "H29", "target": 12000, "actual": 11820}, {"short": "H30", "target": 13000, "actual": None}]
    options = {"unit": "人", "title": "登録者", "target_label": "目標値", "actual_label": "実績値"}
    a = charts.target_series_chart(points, uid="a", **options)
    b = charts.target_series_chart(points, uid="b", **options)
    import re

    assert not set(re.findall(r'id="([^"]+)"', a)) & set(re.findall(r'id="([^"]+)"', b))


def test_drawing_a_chart_leaves_matplotlibs_settings_alone():
    before = dict(matplotlib.rcParams)
    charts.year_summary_chart(ROWS, labels=LABELS, title="t", axis_label="x")
    assert dict(matplotlib.rcParams) == before
