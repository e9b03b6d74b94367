"""What other apps add to the article admin, so that articles imports none of them.

Apps register in their AppConfig.ready(); the ticker adds its "push to ticker" action
and the change form's link to the ticker (ticker/apps.py).
"""

# Admin actions, as ModelAdmin.actions takes them: (modeladmin, request, queryset).
admin_actions = []
# Change form links: (user, article) -> an object with url, label and css_class, or
# None when the link does not apply. Shown among the form's object tools.
change_form_links = []


def register_admin_action(action):
    """Add action to the article list's actions."""
    if action not in admin_actions:
        admin_actions.append(action)
    return action


def register_change_form_link(link):
    """Add link (see change_form_links) to the article change form."""
    if link not in change_form_links:
        change_form_links.append(link)
    return link
