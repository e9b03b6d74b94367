"""Two editors at once, through the test client."""

from django.test import Client

from tests.articles.admin_forms import admin_form_data


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def resolved_data(response, **overrides):
    """Return what the browser sends back from a form rebuilt after a conflict: the
    rebuilt fields, the conflict's hidden list and the preselected choices."""
    form = response.context["adminform"].form
    data = admin_form_data(response)
    for key in form.data:
        if key == "_conflict_fields" or key.startswith("_keep_"):
            data[key] = form.data[key]
    data.update(overrides)
    return data


def conflict_rows(response):
    conflict = response.context["adminform"].form.conflict
    return {row.name: row for row in conflict.rows} if conflict else None
