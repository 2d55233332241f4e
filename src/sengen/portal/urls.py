from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("language/<str:code>/", views.set_language, name="language"),
    path("years/<int:fiscal_year>/", views.year, name="year"),
    path("reports/<int:fiscal_year>/<str:department>/", views.report, name="report"),
    path("reports/<int:fiscal_year>/<str:department>/download/<str:fmt>/", views.report_download,
         name="download"),
    path("reports/<int:fiscal_year>/<str:department>/<int:number>/", views.initiative, name="initiative"),
]
