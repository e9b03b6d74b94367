"""Security: headers and CSP, login lockout, sessions, CSRF, escaping, media."""

import io
import json
import os
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article
from newsroom.security import warn_once
from tests.factories import (
    make_article,
    make_author,
    make_image,
    make_section,
    make_ticker_item,
    make_user,
)

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
PASSWORD = "geheim-wachtwoord-123"


def csp(response):
    """Return the response's Content-Security-Policy as {directive: [values]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def make_superuser(username="hoofdredacteur"):
    return make_user(username, is_superuser=True)


@pytest.fixture
def media_root(settings):
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(buffer, "JPEG")
    return buffer.getvalue()


# Headers on public, admin and media responses


@pytest.fixture
def responses(client, media_root):
    """Return one public, one admin and one media response, fetched over HTTPS."""
    article = make_article()
    (media_root / "foto.jpg").write_bytes(jpeg_bytes())
    return {
        "public": client.get(article.get_absolute_url(), secure=True),
        "admin": client.get(reverse("admin:login"), secure=True),
        "media": client.get("/media/foto.jpg", secure=True),
    }


@pytest.mark.parametrize("kind", ["public", "admin", "media"])
def test_security_headers_on_every_kind_of_response(responses, kind):
    response = responses[kind]
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    policy = csp(response)
    assert policy["frame-ancestors"] == ["'none'"]
    assert "Content-Security-Policy-Report-Only" not in response


def test_no_hsts_over_plain_http(client):
    response = client.get("/")
    assert "Strict-Transport-Security" not in response


def test_public_pages_allow_no_inline_script_or_style(client):
    article = make_article()
    for url in ["/", article.get_absolute_url(), reverse("feed")]:
        policy = csp(client.get(url))
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"], "no nonce unless a page asks"
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]


def test_public_pages_contain_no_inline_script_or_style(client):
    article = make_article(body="<p>Tekst</p>")
    for url in ["/", article.get_absolute_url()]:
        page = client.get(url).content.decode()
        for attrs in re.findall(r"<script\b([^>]*)>", page):
            assert "src=" in attrs or "application/ld+json" in attrs, attrs
        assert "<style" not in page
        assert not re.search(r"\sstyle=", page)
        assert not re.search(r"\son[a-z]+=", page)


def test_admin_change_form_gets_a_nonce_for_the_editor_import_map(client):
    client.force_login(make_superuser())
    article = make_article()
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    policy = csp(response)
    nonces = [v for v in policy["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    page = response.content.decode()
    assert f'<script type="importmap" nonce="{nonce}">' in page
    assert "'unsafe-inline'" not in policy["script-src"]
    # The editor injects its own <style>; only the admin allows that.
    assert "'unsafe-inline'" in policy["style-src"]


def test_media_responses_get_a_sandboxing_policy_of_their_own(client, media_root):
    (media_root / "foto.jpg").write_bytes(jpeg_bytes())
    policy = csp(client.get("/media/foto.jpg"))
    assert policy["default-src"] == ["'none'"]
    assert "sandbox" in policy


# Login lockout (django-axes)


def login(client, username, password, address):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/beheer/"},
        REMOTE_ADDR=address,
    )


def test_five_wrong_passwords_lock_out_that_user_from_that_address(client):
    make_user("redacteur")
    for _ in range(4):
        response = login(client, "redacteur", "fout", "203.0.113.7")
        assert response.status_code == 200
        assert "errornote" in response.content.decode()
    response = login(client, "redacteur", "fout", "203.0.113.7")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Tijdelijk geblokkeerd" in page
    assert "over 15 minuten opnieuw" in page
    assert response["Retry-After"] == "900"
    assert response["Content-Security-Policy"]

    # Even the right password is refused now...
    response = login(client, "redacteur", PASSWORD, "203.0.113.7")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_keyed_on_user_and_address_together(client):
    make_user("redacteur")
    make_user("eindredacteur")
    for _ in range(5):
        login(client, "redacteur", "fout", "203.0.113.7")
    assert login(client, "redacteur", PASSWORD, "203.0.113.7").status_code == 429
    # ...but the same editor from another address, and another editor from this one,
    # still get in: an attacker cannot lock the whole newsroom out.
    assert login(Client(), "redacteur", PASSWORD, "198.51.100.9").status_code == 302
    assert login(Client(), "eindredacteur", PASSWORD, "203.0.113.7").status_code == 302


def test_lockout_ends_by_itself_after_the_cool_off(client):
    make_user("redacteur")
    for _ in range(5):
        login(client, "redacteur", "fout", "203.0.113.7")
    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        assert login(client, "redacteur", PASSWORD, "203.0.113.7").status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert login(client, "redacteur", PASSWORD, "203.0.113.7").status_code == 302


def test_lockout_believes_x_forwarded_for_only_from_trusted_proxies(client, settings):
    make_user("redacteur")
    # Without a trusted proxy a forged header changes nothing.
    for n in range(5):
        client.post(
            reverse("admin:login"),
            {"username": "redacteur", "password": "fout"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    assert login(client, "redacteur", PASSWORD, "203.0.113.7").status_code == 429

    # Behind one proxy (nginx), the address it appended is the client's.
    settings.TRUSTED_PROXY_COUNT = 1
    response = Client().post(
        reverse("admin:login"),
        {"username": "redacteur", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9",
    )
    assert response.status_code == 302


def test_test_client_login_still_works_with_axes(client):
    make_user("redacteur")
    assert client.login(username="redacteur", password=PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 200


# Staff sessions


def test_session_cookie_is_secure_and_http_only(client):
    make_user("redacteur")
    response = login(client, "redacteur", PASSWORD, "203.0.113.7")
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert response.cookies["csrftoken"]["secure"] is True


def test_admin_use_renews_the_session_but_public_pages_set_no_cookie(client):
    client.force_login(make_user("redacteur"))
    admin_page = client.get(reverse("admin:index"))
    assert admin_page.cookies["sessionid"]["max-age"] == 2 * 60 * 60
    public_page = client.get("/")
    assert public_page.status_code == 200
    assert not public_page.cookies


def test_staff_session_expires_after_two_hours_without_admin_use(client):
    client.force_login(make_user("redacteur"))
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=90)):
        assert client.get(reverse("admin:index")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=170)):
        # 80 minutes after the last admin request: still logged in.
        assert client.get(reverse("admin:index")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=170 + 121)):
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# CSRF on every POST; public endpoints read-only


def test_admin_login_refuses_a_post_without_csrf_token():
    make_user("redacteur")
    client = Client(enforce_csrf_checks=True)
    response = login(client, "redacteur", PASSWORD, "203.0.113.7")
    assert response.status_code == 403

    # With the token from the form it works: the check is real, not a blanket refusal.
    page = client.get(reverse("admin:login")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("admin:login"),
        {"username": "redacteur", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_every_admin_form_refuses_a_post_without_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_superuser())
    article = make_article()
    urls = [reverse("admin:logout"), reverse("admin:password_change")]
    for model in apps.get_models():
        if admin.site.is_registered(model):
            info = model._meta.app_label, model._meta.model_name
            urls += [
                reverse("admin:{}_{}_add".format(*info)),
                reverse("admin:{}_{}_changelist".format(*info)),
            ]
    urls.append(reverse("admin:articles_article_change", args=[article.pk]))
    urls.append(reverse("admin:articles_article_delete", args=[article.pk]))
    assert len(urls) > 6
    for url in urls:
        assert client.post(url, {"title": "x"}).status_code == 403, url
    assert Article.objects.filter(pk=article.pk).exists()


def public_urls():
    section = make_section()
    author = make_author()
    article = make_article(section=section, tags=["economie"], authors=[author])
    return [
        "/",
        article.get_absolute_url(),
        section.get_absolute_url(),
        author.get_absolute_url(),
        reverse("articles:tag", args=["economie"]),
        reverse("articles:archive"),
        reverse("feed"),
        reverse("sitemap"),
        reverse("sitemaps", args=["articles"]),
        reverse("ticker:live"),
        reverse("ticker:archive"),
        reverse("ticker:feed"),
    ]


def test_public_endpoints_are_read_only():
    urls = public_urls()
    for url in urls:
        # With or without a CSRF token, nothing public accepts a write.
        for client in (Client(enforce_csrf_checks=True), Client()):
            for method in ("post", "put", "patch", "delete"):
                response = getattr(client, method)(url)
                assert response.status_code == 405, (method, url)
                assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert Client().get(url).status_code == 200, url
        assert Client().head(url).status_code == 200, url


# Hostile input is escaped in every output format


def hostile_article():
    section = make_section(name=f"Rubriek {HOSTILE}")
    author = make_author(name=f"Auteur {HOSTILE}")
    return make_article(
        title=f"Titel {HOSTILE}",
        kicker=HOSTILE[:80],
        lead=f"Intro {HOSTILE}",
        update_note=f"Notitie {HOSTILE}",
        section=section,
        authors=[author],
        tags=[f"tag {HOSTILE}"[:100]],
        lead_image=make_image(
            alt=f"Alt {HOSTILE}",
            caption=f"Bijschrift {HOSTILE}",
            credit=f"Credit {HOSTILE}"[:120],
        ),
    )


def assert_escaped(page):
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page


def test_hostile_text_is_escaped_in_html_pages(client):
    article = hostile_article()
    tag_slug = article.tags.get().slug
    urls = [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        article.byline[0].author.get_absolute_url(),
        reverse("articles:tag", args=[tag_slug]),
        reverse("articles:archive"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert_escaped(page)
        # Structured data, where a page has it, stays valid JSON that cannot close
        # its <script> element early.
        for block in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', page, re.S
        ):
            assert "<" not in block
            json.loads(block)


def test_hostile_text_is_escaped_in_the_feed(client):
    article = hostile_article()
    response = client.get(reverse("feed"))
    raw = response.content.decode()
    assert "<script>" not in raw
    item = ET.fromstring(response.content).find("channel/item")
    # Escaped once, correctly: a feed reader shows exactly what the editor typed.
    assert item.findtext("title") == article.title
    assert item.findtext("description") == article.lead


def test_hostile_text_is_escaped_in_admin_lists(client):
    client.force_login(make_superuser())
    hostile_article()
    for model in ("article", "section", "author"):
        response = client.get(reverse(f"admin:articles_{model}_changelist"))
        assert response.status_code == 200
        assert_escaped(response.content.decode())


# Uploaded media


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pagina.html", b"<html><script>alert(1)</script></html>"),
        (
            "tekening.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        ),
        ("vermomd.jpg", b"<html><script>alert(1)</script></html>"),
        ("notities.txt", b"<script>alert(1)</script>"),
    ],
)
def test_media_that_is_not_a_known_image_is_only_ever_a_download(
    client, media_root, name, content
):
    (media_root / name).write_bytes(content)
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_uploaded_lead_image_is_served_inline_as_an_image(client):
    article = make_article(lead_image=make_image())
    url = article.lead_image.file.url
    assert url.startswith("/media/images/")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "max-age=86400" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")

    again = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/media/../settings.py",
        "/media/%2e%2e/%2e%2e/etc/passwd",
        "/media/sub/../../geheim.txt",
        "/media//etc/passwd",
        "/media/.verborgen",
        "/media/foto.jpg%00.html",
        "/media/map",
        "/media/link.jpg",
        "/media/bestaat-niet.jpg",
    ],
)
def test_media_outside_media_root_or_hidden_is_not_found(client, media_root, path):
    secret = media_root.parent / "geheim.txt"
    secret.write_text("vertrouwelijke-inhoud")
    (media_root / ".verborgen").write_text("vertrouwelijke-inhoud")
    (media_root / "map").mkdir()
    (media_root / "foto.jpg").write_bytes(jpeg_bytes())
    os.symlink(secret, media_root / "link.jpg")
    response = client.get(path)
    assert response.status_code == 404
    assert b"vertrouwelijke-inhoud" not in response.content


# In a real browser


@pytest.fixture
def browser_page(live_server, transactional_db, settings, new_page):
    """Return a Chromium page that records CSP violations, console errors and crashes.

    page.csp_problems() lists them all once the test is done with the page.
    """
    # The live server speaks plain HTTP.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    page = new_page()
    messages = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )

    def csp_problems():
        problems = [f"violation: {v}" for v in page.evaluate("window.__csp")]
        return problems + [
            m
            for m in messages
            if "Content Security Policy" in m or m.startswith("pageerror")
        ]

    page.csp_problems = csp_problems
    page.base = live_server.url
    return page


@pytest.mark.browser
def test_admin_editor_loads_without_csp_violations(browser_page):
    page = browser_page
    make_superuser()
    article = make_article(body="<p>Bestaande tekst</p>")

    page.goto(page.base + reverse("admin:login"))
    page.fill("#id_username", "hoofdredacteur")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(page.base + reverse("admin:index"))

    page.goto(page.base + reverse("admin:articles_article_change", args=[article.pk]))
    editor = page.locator(".field-body [contenteditable=true].ProseMirror")
    editor.wait_for(timeout=15000)
    assert "Bestaande tekst" in editor.inner_text()
    editor.click()
    page.keyboard.type(" en meer")
    assert "en meer" in editor.inner_text()
    assert page.csp_problems() == []


@pytest.mark.browser
def test_public_pages_with_the_live_ticker_run_without_csp_violations(browser_page):
    page = browser_page
    article = make_article(title="Haven van Nador open", lead_image=make_image())
    make_ticker_item(headline="Eerste tickerbericht", is_breaking=True)
    for url in ["/", article.get_absolute_url()]:
        page.goto(page.base + url)
        page.wait_for_load_state("networkidle")
        assert "Eerste tickerbericht" in page.content()
        assert page.locator("img").first.evaluate("img => img.naturalWidth") > 0
    assert page.csp_problems() == []


# Where a login lands


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/beheer/", "", "javascript:x"]
)
def test_a_login_with_an_unsafe_next_lands_on_the_admin_index(client, next_url):
    make_user("redacteur")
    response = client.post(
        reverse("admin:login"),
        {"username": "redacteur", "password": PASSWORD, "next": next_url},
        REMOTE_ADDR="203.0.113.7",
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


# The lockout behind proxies (docs/deploy.md, "Login lockout behind proxies")


def login_via(client, username, password, *, forwarded, proxy="127.0.0.1"):
    """Log in as a request that reached gunicorn through proxies: forwarded is the
    X-Forwarded-For they built, proxy the last one's socket address."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.parametrize(
    ("count", "attacker", "colleague"),
    [
        # nginx appends the address it saw.
        (1, "{forged}, 203.0.113.7", "198.51.100.20"),
        # The load balancer appends the client, nginx the load balancer.
        (2, "{forged}, 203.0.113.7, 10.0.0.2", "198.51.100.20, 10.0.0.2"),
    ],
)
def test_behind_proxies_the_right_count_locks_out_the_attacker_only(
    settings, count, attacker, colleague
):
    settings.TRUSTED_PROXY_COUNT = count
    make_user("redacteur")
    # The attacker forges a new address in front of every attempt.
    for n in range(6):
        response = login_via(
            Client(),
            "redacteur",
            "fout",
            forwarded=attacker.format(forged=f"10.9.9.{n}"),
        )
    assert response.status_code == 429
    forged = attacker.format(forged="10.9.9.99")
    assert (
        login_via(Client(), "redacteur", PASSWORD, forwarded=forged).status_code == 429
    )
    # The editor at the office, through the same proxies, gets in.
    assert (
        login_via(Client(), "redacteur", PASSWORD, forwarded=colleague).status_code
        == 302
    )


def test_behind_a_proxy_a_count_of_zero_locks_the_editor_out_for_everyone(
    settings, caplog
):
    # Why the count must be set: every login seems to come from the proxy.
    settings.TRUSTED_PROXY_COUNT = 0
    warn_once.cache_clear()  # the warning comes once per process
    make_user("redacteur")
    for _ in range(5):
        login_via(Client(), "redacteur", "fout", forwarded="203.0.113.7")

    response = login_via(Client(), "redacteur", PASSWORD, forwarded="198.51.100.20")

    assert response.status_code == 429
    assert "DJANGO_TRUSTED_PROXY_COUNT is 0" in caplog.text


def test_a_count_too_high_believes_the_forged_address(settings):
    # Why the count must not be too high: nginx alone, but 2 configured.
    settings.TRUSTED_PROXY_COUNT = 2
    make_user("redacteur")
    for n in range(6):
        response = login_via(
            Client(), "redacteur", "fout", forwarded=f"10.9.9.{n}, 203.0.113.7"
        )
    assert response.status_code == 200  # never locked out: the documented mistake


def test_the_proxy_count_comes_from_the_environment(tmp_path):
    from tests.test_production import production_env, shell

    code = (
        "from django.conf import settings; from django.test import RequestFactory; "
        "from newsroom.security import client_ip; "
        "r = RequestFactory().get('/', REMOTE_ADDR='127.0.0.1', "
        "HTTP_X_FORWARDED_FOR='10.9.9.9, 203.0.113.7, 10.0.0.2'); "
        "print(settings.TRUSTED_PROXY_COUNT, client_ip(r))"
    )
    result = shell(production_env(tmp_path, DJANGO_TRUSTED_PROXY_COUNT="2"), code)

    assert result.stdout.split() == ["2", "203.0.113.7"], result.stderr
