from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # Reference data (cities, departments, accounts, grading scales); needs a login.
    path("admin/", admin.site.urls),
    # The annual cycle for city staff; needs a login.
    path("staff/", include("sengen.staff.urls")),
    path("", include("sengen.portal.urls")),
]
