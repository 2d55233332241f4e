from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "sengen.security"
    label = "security"
    verbose_name = "セキュリティ"
