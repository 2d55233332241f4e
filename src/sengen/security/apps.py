from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "sengen.security"
    label = "security"
    verbose_name = "セキュリティ"

    def ready(self):
        from . import checks  # noqa: F401 — registers the deploy checks
