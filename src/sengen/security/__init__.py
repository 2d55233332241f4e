"""Security that applies to every request and every login, whatever app serves it.

- ``backends.ThrottledModelBackend``: Django's ``ModelBackend`` behind a failed-login counter, so
  that any login view (the staff login, the admin's) that calls ``authenticate()`` is throttled.
- ``middleware``: Content-Security-Policy and the other response headers Django does not set,
  and a cap on request bodies.
- ``adminpath``: the admin's URL, not guessable by default.
"""
