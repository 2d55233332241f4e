from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # Django's admin stands in for the staff app until that app exists; it needs a login.
    path("admin/", admin.site.urls),
    path("", include("sengen.portal.urls")),
]
