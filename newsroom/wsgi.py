import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, the URLconf) lives as long as the process:
# frozen, the garbage collector's full passes no longer walk it. A page allocates tens
# of thousands of objects; with the default first threshold (700) a request triggered
# about four young collections and every tenth of those an older one. Measured on the
# public pages at 100,000 articles: 0.57 ms of collection per request before, 0.29
# after (gc.callbacks), out of 8-11 ms.
gc.collect()
gc.freeze()
gc.set_threshold(2000, 10, 10)
