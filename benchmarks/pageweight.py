"""Page weight: the CSS and JavaScript a full page loads, as the server sends them."""

import http.client
from html.parser import HTMLParser

from benchmarks.loadgen import fetch

FAR_FUTURE = 365 * 24 * 3600


class _Assets(HTMLParser):
    """Stylesheets and scripts a page loads, and any resource it would fetch elsewhere."""

    LOADS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "link": "href"}

    def __init__(self):
        super().__init__()
        self.assets: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get(self.LOADS.get(tag, ""), "") or ""
        if not url:
            return
        if url.startswith(("http:", "https:", "//")):
            self.external.append(url)
        elif tag == "script" or (
            tag == "link" and {"stylesheet", "preload"} & set((attrs.get("rel") or "").split())
        ):
            self.assets.append(url)


def measure(port: int, endpoints: list[dict]) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    host = f"127.0.0.1:{port}"
    pages, cache_control, static_ok = [], set(), True
    for endpoint in endpoints:
        if endpoint["kind"] != "learner":  # what learners load; the admin is Django's own
            continue
        spec = dict(endpoint["plans"][0][0])
        if spec["method"] != "GET":
            continue
        spec["headers"] = {k: v for k, v in spec["headers"].items() if k != "HX-Request"}
        response, html = fetch(conn, host, spec)
        if response.status != 200:
            raise SystemExit(f"page weight: {spec['path']} answered {response.status}")
        parser = _Assets()
        parser.feed(html.decode())
        sizes = {"identity": 0, "gzip": 0, "br": 0}
        for url in parser.assets:
            for encoding in sizes:
                asset, body = fetch(
                    conn,
                    host,
                    {
                        "method": "GET",
                        "path": url,
                        "headers": {},
                        "body": None,
                        "encoding": encoding,
                    },
                )
                if asset.status != 200:
                    raise SystemExit(f"page weight: {url} answered {asset.status}")
                served = asset.getheader("Content-Encoding") or "identity"
                static_ok &= encoding == "identity" or served == encoding
                sizes[encoding] += len(body)
                control = asset.getheader("Cache-Control") or ""
                cache_control.add(control)
                static_ok &= _max_age(control) >= FAR_FUTURE
        pages.append(
            {
                "page": endpoint["name"],
                "path": spec["path"],
                "assets": len(parser.assets),
                "raw_kb": round(sizes["identity"] / 1024, 1),
                "gzip_kb": round(sizes["gzip"] / 1024, 1),
                "br_kb": round(sizes["br"] / 1024, 1),
                "external": parser.external,
            }
        )
    conn.close()
    return {"pages": pages, "cache_control": sorted(cache_control), "static_ok": static_ok}


def _max_age(control: str) -> int:
    for part in control.split(","):
        name, _, value = part.strip().partition("=")
        if name == "max-age" and value.isdigit():
            return int(value)
    return 0
