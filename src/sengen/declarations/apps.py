from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "sengen.declarations"
    verbose_name = "目標宣言"
