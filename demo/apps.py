from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content for development and the benchmark (manage.py seed_demo).

    No models and nothing the site needs: production code never imports it.
    """

    name = "demo"
    verbose_name = "Demo"
