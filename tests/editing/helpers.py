"""Two editors at once, through the test client."""

from tests.helpers import admin_form_data


def page_data(response, **overrides):
    """Return what the browser sends from the change form in response, inline rows
    and the snapshot of them included."""
    data = admin_form_data(response)
    if base := response.context.get("editing_inline_base"):
        data["_edit_inline_base"] = base
    data.update(overrides)
    return data


def resolved_data(response, **overrides):
    """Return what the browser sends back from a form rebuilt after a conflict: the
    rebuilt fields, the conflict's hidden list and the preselected choices."""
    form = response.context["adminform"].form
    data = page_data(response)
    for key in form.data:
        if key == "_conflict_fields" or key.startswith("_keep_"):
            data[key] = form.data[key]
    data.update(overrides)
    return data


def conflict_rows(response):
    conflict = response.context["adminform"].form.conflict
    return {row.name: row for row in conflict.rows} if conflict else None


def close_page(page):
    """Close an admin page without a heartbeat or goodbye still writing to the
    database when the test ends and empties it."""
    if page.is_closed():
        return
    # A form being sent stops the heartbeat and sends no goodbye (presence.js); a
    # synthetic submit event sends nothing. Then let a beat under way finish.
    page.evaluate(
        "document.querySelectorAll('form').forEach("
        "f => f.dispatchEvent(new Event('submit')))"
    )
    page.wait_for_timeout(500)
    page.context.close()
