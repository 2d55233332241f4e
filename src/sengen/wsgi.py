"""WSGI entry point: ``gunicorn sengen.wsgi`` or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sengen.settings")
# A process that serves pages draws a publication's PDF and XLSX ahead (sengen.portal.downloads):
# the next request finds them. A command (`sengen import`, `sengen demo`) does not: it exits
# before a drawing could serve anyone, and would leave child processes drawing behind it.
os.environ.setdefault("SENGEN_DRAW_AHEAD", "1")

application = get_wsgi_application()
