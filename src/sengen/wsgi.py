"""WSGI entry point: ``gunicorn sengen.wsgi`` or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sengen.settings")

application = get_wsgi_application()
