from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sengen.portal"
    verbose_name = "公開ページ"
