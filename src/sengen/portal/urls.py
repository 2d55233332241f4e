from django.urls import path, register_converter

from . import feeds, views, year_download


class DepartmentConverter:
    """A department's name in a URL. It is what the city wrote and may hold a "/", so it takes
    several path segments; the report's URL is ``<department>/``, an initiative's
    ``<department>/<number>/`` and a download's ``<department>/download/<format>/``. Were a
    department's segment allowed to be a number or ``download``, 「X/2」's report would be
    initiative 2 of 「X」 and 「X/download/csv」's report X's CSV. Such a segment (and one that
    begins with "~") is written with a "~" in front instead, which reading takes off again:
    「X/2」 → ``X/~2/``. Every other name, which is every name a city uses in practice, keeps
    the URL it always had."""

    _SEGMENT = r"(?!(?:[0-9]+|download)/)[^/]*"
    # Every department segment is followed by "/" (the next segment's, or the route's own),
    # which is what the look-ahead stops at.
    regex = rf"{_SEGMENT}(?:/{_SEGMENT})*"

    @staticmethod
    def _reserved(segment: str) -> bool:
        return segment.isascii() and (segment.isdigit() or segment == "download" or segment.startswith("~"))

    def to_url(self, value: str) -> str:
        return "/".join(f"~{s}" if self._reserved(s) else s for s in str(value).split("/"))

    def to_python(self, value: str) -> str:
        return "/".join(s[1:] if s.startswith("~") else s for s in value.split("/"))


register_converter(DepartmentConverter, "department")

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("language/<str:code>/", views.set_language, name="language"),
    path("years/<int:fiscal_year>/", views.year, name="year"),
    # The year's open data of one city (?municipality= where several are stored): portal.year_download.
    path("years/<int:fiscal_year>/download/zip/", year_download.year_download, name="year_download"),
    # Atom feeds of publications and corrections (portal.feeds); ?municipality= as on the pages.
    path("feeds/", feeds.SiteFeed(), name="feed"),
    path("feeds/departments/<department:department>/", feeds.DepartmentFeed(), name="department_feed"),
    path("reports/<int:fiscal_year>/<department:department>/download/<str:fmt>/", views.report_download,
         name="download"),
    path("reports/<int:fiscal_year>/<department:department>/<int:number>/", views.initiative, name="initiative"),
    path("reports/<int:fiscal_year>/<department:department>/", views.report, name="report"),
    # Before the converter, a department whose name is a number or "download" (「2」) had its
    # report at reports/2017/2/: such a link, found nowhere else, goes to the report's URL now.
    path("reports/<int:fiscal_year>/<path:department>/", views.report_moved, name="report_moved"),
]
