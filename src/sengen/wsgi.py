"""WSGI entry point: ``gunicorn sengen.wsgi`` or any WSGI server."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sengen.settings")
# A process that serves pages draws a publication's PDF and XLSX ahead (sengen.portal.downloads):
# the next request finds them. A command (`sengen import`, `sengen demo`) does not: it exits
# before a drawing could serve anyone, and would leave child processes drawing behind it.
os.environ.setdefault("SENGEN_DRAW_AHEAD", "1")

application = get_wsgi_application()
# What is loaded by now (Django, the apps, their modules and settings) lives as long as the
# process: frozen out of the cyclic collector's sight, a full collection walks only what requests
# make. Unfrozen, one took 50-100 ms in the middle of a search page at national scale (its p95),
# and under gunicorn's preload_app the forked workers keep sharing those memory pages instead of
# copying them as the collector touches them.
gc.freeze()
