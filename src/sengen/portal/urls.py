from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("reports/<int:fiscal_year>/<str:department>/", views.report, name="report"),
]
