from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("language/<str:code>/", views.set_language, name="language"),
    path("years/<int:fiscal_year>/", views.year, name="year"),
    # <path:…>: a department's name is what the city wrote, and may hold a "/". The longer
    # patterns come first, so that "市民生活部/2/" is initiative 2, not a department of that name.
    path("reports/<int:fiscal_year>/<path:department>/download/<str:fmt>/", views.report_download,
         name="download"),
    path("reports/<int:fiscal_year>/<path:department>/<int:number>/", views.initiative, name="initiative"),
    path("reports/<int:fiscal_year>/<path:department>/", views.report, name="report"),
]
