# Varnish 7 in front of Newsroom: pages for readers from memory, purged by tag.
#
# Needs the xkey vmod (Debian: apt-get install varnish varnish-modules). Start with
#   varnishd -a :80 -f /etc/varnish/newsroom.vcl -s malloc,1G
# and give the app NEWSROOM_PURGE_URLS=http://<varnish address>/ so that every
# change readers can see sends "PURGE /" with a Surrogate-Key header naming the
# tags that changed (newsroom/purge.py). docs/deploy.md and docs/caching.md have
# the whole picture, with the Fastly and Cloudflare equivalents.
vcl 4.1;

import std;
import xkey;

# The app (gunicorn, or nginx in front of it). The test suite writes its own.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: the app servers. Anyone else gets 403.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.Surrogate-Key) {
            return (synth(400, "Surrogate-Key required"));
        }
        # A hard purge: the next reader gets the new page (one fetch, however many
        # readers ask at once: Varnish queues them behind it).
        set req.http.X-Purged = xkey.purge(req.http.Surrogate-Key);
        return (synth(200, "Purged " + req.http.X-Purged));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Editors carry the session cookie: always the app, never a shared copy.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # The admin, preview links and the login page are never shared either.
    if (req.url ~ "^/(beheer|voorbeeld)/") {
        return (pass);
    }
    # Every other cookie (csrftoken, analytics) means nothing to a public page.
    unset req.http.Cookie;
    # Tracking parameters make no page of their own (the app ignores them too).
    set req.url = regsuball(req.url, "([?&])(utm_[a-z]+|fbclid|gclid|msclkid|mc_cid|mc_eid)=[^&]*", "\1");
    set req.url = regsuball(req.url, "[?&]+$", "");
    set req.url = regsub(req.url, "\?&+", "?");
    return (hash);
}

sub vcl_backend_response {
    # Only what the app marks public is kept (Cache-Control: public, max-age=...):
    # editors' pages are private, responses that set cookies are personal.
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control !~ "public") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # The tags the page shows, for xkey.purge().
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # max-age (at most the ticker's poll interval) decides the TTL; a purge ends it
    # at once. Grace: while one fetch refreshes an expired page, or the app is
    # down, readers get the previous copy.
    set beresp.grace = 5m;
    set beresp.keep = 1h;
}

sub vcl_deliver {
    # The tags are for caches, not for readers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
