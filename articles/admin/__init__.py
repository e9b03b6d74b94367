"""The articles app's admin, one module per screen (imported here to register).

articles.py  the article admin (list, form, saving); its form in forms.py, inlines
             in inlines.py, list columns in columns.py, actions on many articles in
             bulk.py, history/diff/restore views in history.py
bylines.py   authors and the byline picker      sections.py  sections, old addresses
tags.py      tags (new ones only by editors)    users.py     accounts and roles
"""

from . import articles, bylines, sections, tags, users  # noqa: F401
