from django.contrib import admin
from django.urls import include, path

from sengen.portal import api_page
from sengen.portal.api import api
from sengen.portal.api import not_found as api_not_found
from sengen.security.adminpath import admin_path

urlpatterns = [
    # Reference data (cities, departments, accounts, grading scales); needs a login.
    path(admin_path(), admin.site.urls),  # not admin/: see sengen.security.adminpath
    # The annual cycle for city staff; needs a login.
    path("staff/", include("sengen.staff.urls")),
    # The public read-only API, its OpenAPI document and browsable page (portal.api); at /api/
    # itself, before django-ninja's own root, its reference page in the portal's layout.
    path("api/", api_page.reference, name="api_reference"),
    path("api/", api.urls),
    path("api/<path:rest>", api_not_found),  # what no API path matched: 404 in JSON, not HTML
    path("", include("sengen.portal.urls")),
]
