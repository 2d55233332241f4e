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


ENGLISH = {"achieved": "Achieved", "partially_achieved": "Partly achieved", "not_achieved": "Not achieved",
           "not_evaluated": "Not evaluated"}


def _summary_figure(rows, labels):
    import warnings

    with charts._style(), warnings.catch_warnings():
        # constrained layout warns ("not applied") when what it must place does not fit.
        warnings.simplefilter("error")
        figure = charts._year_summary_figure(rows, labels=labels, axis_label="Number of targets")
        figure.draw_without_rendering()
    return figure


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_the_english_summary_chart_keeps_its_legend_and_axis_readable():
    # issue 12: the legend was cut to "…hieved" and the axis' digits ran together in English.
    rows = [{"department": "Citizen Life Department", "counts": {"achieved": 12, "partially_achieved": 3,
                                                                "not_achieved": 2, "not_evaluated": 1}}]
    for rows_ in (rows, [*rows, {"department": "総務部", "counts": {"achieved": 1200, "not_achieved": 1000}}]):
        figure = _summary_figure(rows_, ENGLISH)
        page = figure.bbox
        legend = figure.legends[0]
        texts = [t.get_window_extent() for t in legend.get_texts()]
        assert [t.get_text() for t in legend.get_texts()] == list(ENGLISH.values())
        assert all(page.x0 <= t.x0 and t.x1 <= page.x1 and page.y0 <= t.y0 for t in texts)
        ticks = [t.get_window_extent() for t in figure.axes[0].get_xticklabels() if t.get_text()
                 and page.x0 <= t.get_window_extent().x0 <= page.x1]
        assert len(ticks) >= 3
        assert not any(_overlap(a, b) for i, a in enumerate(ticks) for b in ticks[i + 1:])
        bars = figure.axes[0].get_window_extent()
        assert bars.width >= 0.4 * page.width  # the bars keep room beside the names


def test_short_japanese_labels_keep_the_legend_on_one_line():
    figure = _summary_figure(ROWS, LABELS)
    rows = {round(t.get_window_extent().y0) for t in figure.legends[0].get_texts()}
    assert len(rows) == 1
