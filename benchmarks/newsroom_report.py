"""What the newsroom workload (newsroom_load.py) measured, per phase and per editor
action, and its report in Markdown."""

# How long after a purge an app request still counts as caused by it (Varnish).
PURGE_WINDOW = 3.0


def analyse(varnish, classes, phases, records, editor, purges, tags, app, counters):
    tail = len(classes) - 1
    paths = [list(urls) for _name, _weight, urls in classes]
    result = {"stack": "Varnish + app" if varnish else "app alone", "phases": []}
    for index, (name, start, end) in enumerate(phases):
        if name == "warm-up":
            continue
        mine = [r for r in records if start <= r[0] < end]
        hot = [r for r in mine if r[2] != tail]
        latencies = sorted(r[1] for r in mine)
        state = 6 if varnish else 5
        hits = sum(1 for r in hot if r[state] in (0, 1))
        renders = sum(1 for r in hot if r[5] == 2 and (not varnish or r[6] == 2))
        _moment, load, before = counters[index]
        after = counters[index + 1][2]
        phase = {
            "phase": name,
            "requests_per_second": len(mine) / (end - start),
            "p50_ms": 1000 * percentile(latencies, 0.50),
            "p99_ms": 1000 * percentile(latencies, 0.99),
            "errors": sum(1 for r in mine if r[4] != 200),
            "hit_ratio": hits / max(len(hot), 1),
            "stale": sum(1 for r in hot if r[5] == 1),
            "hot_renders": renders,
            "load": load,
            "actions": sum(1 for a in editor["actions"] if start <= a[1] < end),
        }
        if varnish:
            phase["backend_requests"] = after.get("MAIN.backend_req", 0) - before.get(
                "MAIN.backend_req", 0
            )
        result["phases"].append(phase)
    result["changes"] = per_change(varnish, records, editor, purges, tags, paths, app)
    shown = {}
    for kind, path, seconds in editor["shown"]:
        shown.setdefault(f"{kind}, {'front page' if path == '/' else 'its page'}", [])
        shown[f"{kind}, {'front page' if path == '/' else 'its page'}"].append(seconds)
    result["shown"] = {key: summary(values) for key, values in shown.items()}
    failed = [a for a in editor["actions"] if not a[3]]
    result["editor"] = {
        kind: sum(1 for a in editor["actions"] if a[0] == kind and a[3])
        for kind in ("draft", "ticker", "update", "publish")
    }
    result["editor"]["failed"] = len(failed)
    return result


def per_change(varnish, records, editor, purges, tags, paths, app):
    """For each kind of editor action: the purges it caused, the hot pages showing
    what changed, and their renders (app alone) or app requests (Varnish) until the
    next purge of the same page."""
    actions = sorted(editor["actions"], key=lambda action: action[1])
    hot_paths = {path for urls in paths[:-1] for path in urls}
    # When each hot page was rendered (app alone) or fetched by Varnish.
    hits = {}
    if varnish:
        for moment, path in app:
            if path in hot_paths:
                hits.setdefault(path, []).append(moment)
    else:
        for record in records:
            if record[5] == 2 and record[2] < len(paths) - 1:
                hits.setdefault(paths[record[2]][record[3]], []).append(record[0])
    dropped = {}  # path -> [purge times]
    by_kind = {}
    for moment, purge_tags in purges:
        cause = cause_of(moment, purge_tags, actions)
        entry = by_kind.setdefault(
            cause, {"purges": 0, "pages": 0, "counts": [], "tags": set()}
        )
        entry["purges"] += 1
        entry["tags"].update(t for t in purge_tags if not t[-1].isdigit())
        changed = set(purge_tags)
        for path, shows in tags.items():
            if shows & changed:
                dropped.setdefault(path, []).append((moment, cause))
    for path, moments in dropped.items():
        moments.sort()
        for index, (moment, cause) in enumerate(moments):
            until = moments[index + 1][0] if index + 1 < len(moments) else math_inf()
            if varnish:
                until = min(until, moment + PURGE_WINDOW)
            count = sum(1 for t in hits.get(path, ()) if moment <= t < until)
            entry = by_kind[cause]
            entry["pages"] += 1
            entry["counts"].append(count)
    done = {}
    for kind, entry in by_kind.items():
        counts = entry["counts"]
        asked = [count for count in counts if count]
        done[kind] = {
            "actions": sum(1 for a in actions if a[0] == kind and a[3]),
            "purges": entry["purges"],
            "pages dropped": entry["pages"],
            "pages asked again": len(asked),
            "per page asked": sum(asked) / max(len(asked), 1),
            "max per page": max(counts, default=0),
            "list tags": sorted(entry["tags"])[:12],
        }
    for kind in ("draft", "ticker", "update", "publish"):
        done.setdefault(
            kind,
            {
                "actions": sum(1 for a in actions if a[0] == kind and a[3]),
                "purges": 0,
                "pages dropped": 0,
                "pages asked again": 0,
                "per page asked": 0.0,
                "max per page": 0,
                "list tags": [],
            },
        )
    return done


def cause_of(moment, tags, actions):
    """Return which editor action a purge came from, by what it names: an article
    change names the article, a ticker item only the ticker. The purge is sent in
    the background, so it may arrive while the next action runs."""
    during = [a for a in actions if a[1] - 0.1 <= moment <= a[2] + 2]
    for kind, _started, _finished, _ok, pk in reversed(during):
        if pk is not None and f"article-{pk}" in tags:
            return kind
        if kind == "ticker" and "ticker" in tags:
            if not any(tag.startswith("article-") for tag in tags):
                return kind
    return f"unmatched, during {during[-1][0]}" if during else "unmatched"


def math_inf():
    return float("inf")


def percentile(values, share):
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(share * len(values)))]


def summary(values):
    values = sorted(values)
    return {
        "n": len(values),
        "median_s": percentile(values, 0.5),
        "max_s": values[-1] if values else 0.0,
    }


# Report


def report(result):
    lines = [f"\n### {result['stack']}\n"]
    varnish = result["stack"].startswith("Varnish")
    lines.append(
        "| phase | req/s | p50 ms | p99 ms | hit ratio (no long tail) "
        "| renders (hot) | stale | errors | load | editor actions |"
        + (" app requests |" if varnish else "")
    )
    lines.append("|---" * (11 if varnish else 10) + "|")
    for p in result["phases"]:
        cells = [
            p["phase"],
            f"{p['requests_per_second']:,.0f}",
            f"{p['p50_ms']:.1f}",
            f"{p['p99_ms']:.1f}",
            f"{100 * p['hit_ratio']:.1f} %",
            str(p["hot_renders"]),
            str(p["stale"]),
            str(p["errors"]),
            f"{p['load']:.1f}",
            str(p["actions"]),
        ]
        if varnish:
            cells.append(str(p["backend_requests"]))
        lines.append("| " + " | ".join(cells) + " |")
    quiet = [p for p in result["phases"] if p["phase"].startswith("quiet")]
    busy = [p for p in result["phases"] if p["phase"].startswith("busy")]
    if quiet and busy:
        rate = mean(p["requests_per_second"] for p in busy) / mean(
            p["requests_per_second"] for p in quiet
        )
        p99 = mean(p["p99_ms"] for p in busy) / max(
            mean(p["p99_ms"] for p in quiet), 1e-9
        )
        hit = min(p["hit_ratio"] for p in busy)
        result["targets"] = {"busy_rate": rate, "busy_p99": p99, "busy_hit": hit}
        lines.append(
            f"\nbusy ÷ quiet requests/s {rate:.2f} (target ≥ 0.90: "
            f"{'met' if rate >= 0.9 else 'missed'}); busy ÷ quiet p99 {p99:.2f} "
            f"(target ≤ 2: {'met' if p99 <= 2 else 'missed'}); lowest busy hit "
            f"ratio {100 * hit:.1f} % (target ≥ 95 %: "
            f"{'met' if hit >= 0.95 else 'missed'})"
        )
    what = "app requests" if varnish else "renders"
    lines.append(
        f"\n| editor action | done | purges | pages dropped | pages read again "
        f"| {what} per page read | most for one page | list tags purged |"
    )
    lines.append("|---|---|---|---|---|---|---|---|")
    for kind, c in result["changes"].items():
        lines.append(
            f"| {kind} | {c['actions']} | {c['purges']} | {c['pages dropped']} | "
            f"{c['pages asked again']} | {c['per page asked']:.2f} | "
            f"{c['max per page']} | {' '.join(c['list tags'])} |"
        )
    for key, value in result["shown"].items():
        lines.append(
            f"\nvisible to readers after a {key}: median {value['median_s']:.2f} s, "
            f"max {value['max_s']:.2f} s ({value['n']} times)"
        )
    lines.append(f"\neditor: {result['editor']}")
    return "\n".join(lines)


def mean(values):
    values = list(values)
    return sum(values) / max(len(values), 1)
