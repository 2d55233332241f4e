from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "sengen.staff"
    label = "staff"
    verbose_name = "職員用ページ"
