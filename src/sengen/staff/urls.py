from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="staff/login.html",
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("years/", views.year_list, name="year_list"),
    path("years/<int:pk>/", views.year_edit, name="year_edit"),
    path("late/", views.late, name="late"),
    path("audit/", views.audit, name="audit"),
    path("declarations/new/", views.declaration_new, name="declaration_new"),
    path("declarations/<int:pk>/", views.declaration_detail, name="declaration"),
    path("declarations/<int:pk>/actions/<slug:action>/", views.declaration_action, name="declaration_action"),
    path("declarations/<int:pk>/start-phase/", views.declaration_start_phase, name="declaration_start_phase"),
    path("declarations/<int:pk>/carry-over/", views.declaration_carry_over, name="declaration_carry_over"),
    path("declarations/<int:pk>/judge/", views.declaration_judge, name="declaration_judge"),
    path("declarations/<int:pk>/initiatives/new/", views.initiative_new, name="initiative_new"),
    path("initiatives/<int:pk>/edit/", views.initiative_edit, name="initiative_edit"),
    path("initiatives/<int:pk>/progress/", views.initiative_progress, name="initiative_progress"),
    path("initiatives/<int:pk>/results/", views.initiative_results, name="initiative_results"),
    path("initiatives/<int:pk>/correct/", views.initiative_correct, name="initiative_correct"),
    path("initiatives/<int:pk>/history/", views.initiative_history_view, name="initiative_history"),
    path("import/", views.import_upload, name="import"),
    path("import/save/", views.import_save, name="import_save"),
]
