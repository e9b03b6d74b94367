"""Log in to the Newsroom admin and submit an add form, as a browser would.

Used by scaleout.sh to publish through one app server:

    python benchmarks/admin_client.py http://127.0.0.1:8001 USER PASSWORD \\
        articles/article title="Kop" '!_transition=publish'

The admin is at DJANGO_ADMIN_URL (default beheer/), as on the servers. The form is
filled with the values the page itself carries (hidden fields, defaults, selected
options) and the given fields (name=@path uploads a file), then posted with the
button !name=value (default: _save); exit status 0 when the admin redirects (saved),
1 with the reason otherwise. Standard library only.
"""

import http.client
import io
import os
import sys
import urllib.parse
import uuid
from html.parser import HTMLParser
from pathlib import Path


class FormParser(HTMLParser):
    """Collect the name/value pairs a browser would submit from one form."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self.select = None
        self.option = None
        self.textarea = None
        self.errors = []
        self.error_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "errorlist" in (attrs.get("class") or "") or "errornote" in (
            attrs.get("class") or ""
        ):
            self.error_depth += 1
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and attrs.get("name") and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self.fields.append((attrs["name"], attrs.get("value", default)))
        elif tag == "select" and attrs.get("name"):
            self.select = {"name": attrs["name"], "first": None, "chosen": None}
        elif tag == "option" and self.select is not None:
            self.option = attrs.get("value")
            if self.select["first"] is None:
                self.select["first"] = self.option
            if "selected" in attrs:
                self.select["chosen"] = self.option
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        if self.error_depth and data.strip():
            self.errors.append(data.strip())

    def handle_endtag(self, tag):
        if tag in {"ul", "p", "div"} and self.error_depth:
            self.error_depth -= 1
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self.select is not None:
            value = self.select["chosen"] or self.select["first"]
            if value is not None:
                self.fields.append((self.select["name"], value))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append((self.textarea[0], self.textarea[1].lstrip("\n")))
            self.textarea = None


def encode_multipart(fields):
    """Return a multipart/form-data body and its content type; "@path" uploads."""
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields:
        body.write(f"--{boundary}\r\n".encode())
        if value.startswith("@"):
            path = Path(value[1:])
            body.write(
                f'Content-Disposition: form-data; name="{name}"; '
                f'filename="{path.name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n".encode()
            )
            body.write(path.read_bytes())
        else:
            body.write(
                f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}'.encode()
            )
        body.write(b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


class Browser:
    def __init__(self, base):
        self.base = urllib.parse.urlsplit(base)
        self.cookies = {}

    def request(self, method, path, data=None):
        connection = http.client.HTTPConnection(self.base.hostname, self.base.port)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body, headers["Content-Type"] = encode_multipart(data)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, response.getheader("Location"), text

    def submit(self, path, form_id, values, button):
        status, _, page = self.request("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
        parser = FormParser(form_id)
        parser.feed(page)
        fields = [(k, v) for k, v in parser.fields if k not in values]
        fields += list(values.items()) + [button]
        status, location, page = self.request("POST", path, fields)
        if status != 302:
            parser = FormParser(form_id)
            parser.feed(page)
            reasons = "; ".join(parser.errors) or page[:300]
            raise SystemExit(f"POST {path} answered {status}: {reasons}")
        return location


def main(argv):
    if len(argv) < 5 or "/" not in argv[4]:
        raise SystemExit(__doc__)
    base, username, password, model, *pairs = argv[1:]
    values, button = {}, ("_save", "Opslaan")
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"expected name=value, got {pair!r}")
        if name.startswith("!"):
            button = (name[1:], value)
        else:
            values[name] = value
    admin = "/" + os.environ.get("DJANGO_ADMIN_URL", "beheer/").strip("/") + "/"
    browser = Browser(base)
    browser.submit(
        f"{admin}login/",
        "login-form",
        {"username": username, "password": password},
        ("next", admin),
    )
    app_label, model_name = model.split("/")
    location = browser.submit(
        f"{admin}{app_label}/{model_name}/add/",
        f"{model_name}_form",
        values,
        button,
    )
    print(location)


if __name__ == "__main__":
    main(sys.argv)
