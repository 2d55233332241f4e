from django.contrib.auth import views as auth_views
from django.urls import path

from .views import declarations, imports, initiatives, preferences, years

app_name = "staff"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="staff/login.html",
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", years.home, name="home"),
    path("years/", years.year_list, name="year_list"),
    path("years/<int:pk>/", years.year_edit, name="year_edit"),
    path("years/<int:pk>/book/", years.year_book_download, name="year_book"),
    path("late/", years.late, name="late"),
    path("audit/", years.audit, name="audit"),
    path("declarations/new/", declarations.declaration_new, name="declaration_new"),
    path("declarations/<int:pk>/", declarations.declaration_detail, name="declaration"),
    path("declarations/<int:pk>/actions/<slug:action>/", declarations.declaration_action,
         name="declaration_action"),
    path("declarations/<int:pk>/start-phase/", declarations.declaration_start_phase,
         name="declaration_start_phase"),
    path("declarations/<int:pk>/carry-over/", declarations.declaration_carry_over, name="declaration_carry_over"),
    path("declarations/<int:pk>/judge/", declarations.declaration_judge, name="declaration_judge"),
    path("declarations/<int:pk>/initiatives/new/", initiatives.initiative_new, name="initiative_new"),
    path("initiatives/<int:pk>/edit/", initiatives.initiative_edit, name="initiative_edit"),
    path("initiatives/<int:pk>/progress/", initiatives.initiative_progress, name="initiative_progress"),
    path("initiatives/<int:pk>/results/", initiatives.initiative_results, name="initiative_results"),
    path("initiatives/<int:pk>/correct/", initiatives.initiative_correct, name="initiative_correct"),
    path("initiatives/<int:pk>/history/", initiatives.initiative_history_view, name="initiative_history"),
    path("import/", imports.import_upload, name="import"),
    path("import/save/", imports.import_save, name="import_save"),
    path("mail/", preferences.mail_preferences, name="mail_preferences"),
]
