#!/usr/bin/env python3
"""A small JSON API for the REST kit's tests: 25 items, every pagination style, every auth style,
and injected faults. Started by the tests on a free port, which it prints as "PORT <n>".

Query parameters of GET /items (kept in every next-page link):
  auth=none|bearer|oauth|key|basic   what the request must carry
                                     (bearer token "s3cret", API key "k3y" in X-API-Key or
                                     ?api_key=, basic chorus:s3cret, or an issued OAuth2 token)
  paging=none|next_url|link|page|offset|cursor   (page size: page_size, default 10)
         cycle        cursor paging whose cursors go "", A, B, A, B... (two items a page)
         self         next_url paging whose next link is the page itself, query string included
         empty_tail   next_url paging: one page of items, then empty pages that link on forever
         shift        offset paging (newest first) that inserts a new item at the front after
                      the first page, as a live API does: later offsets move by one
  cap=<n>                            page and offset paging return at most n items a page
                                     (offset paging also reports "meta": {"total": 25})
  updated_since=<ISO time>           only items updated at or after it
  faults=<key>:<code>,<code>...      the first requests carrying this key answer these statuses
                                     ("429" carries Retry-After: 1; "429date" an HTTP date)
  rate=<key>:<n>                     answer 429 to a request that comes sooner than 1/n s
                                     after the previous one with this key
  revoke=<key>                       the first request carrying this key revokes every issued
                                     OAuth2 token and is answered 401
GET /tz?updated_since=<ISO time>   four items whose updated_at carry different UTC offsets; the
                                   parameter is compared as an instant, as a real API would
GET /huge                          one record holding 1e400
GET /cut?key=<k>&times=<n>         the first n requests with this key get a 200 without
                                   Content-Length whose body stops half-way, then the whole body
GET /users, GET /users/<id>/orders?updated_since=<ISO time>
                                   three users, and 2, 0 and 3 orders of theirs
GET /echo                          400 echoing the request's headers and query (credentials too)
POST /oauth/token  (client_credentials; client chorus / s3cret, in the body or a Basic header)
                   ?expires_in=<s> sets the lifetime it announces (default 3600)
GET /stats         {"tokens_issued", "requests", "rate_rejections", "seen_params"}
"""
import base64
import datetime
import email.utils
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ITEMS = [{"id": i, "name": f"item {i}", "updated_at": f"2024-01-{i:02d}T00:00:00Z",
          "price": i * 1.5, "tags": ["t"], "meta": {"color": "red" if i % 2 else "blue"}}
         for i in range(1, 26)]

lock = threading.Lock()
stats = {"tokens_issued": 0, "requests": 0, "rate_rejections": 0, "seen_params": [],
         "seen_queries": []}
tokens = set()
fault_counters = {}
rate_last = {}
revoked_keys = set()
shift_served = {}

USERS = [{"id": 1, "name": "ann"}, {"id": 2, "name": "bob"}, {"id": 3, "name": "cy"}]
ORDERS = {1: [{"id": 11, "updated_at": "2024-02-01T00:00:00Z"},
              {"id": 12, "updated_at": "2024-02-03T00:00:00Z"}],
          2: [],
          3: [{"id": 31, "updated_at": "2024-03-01T00:00:00Z"},
              {"id": 32, "updated_at": "2024-03-02T00:00:00Z"},
              {"id": 33, "updated_at": "2024-03-05T00:00:00Z"}]}

TZ_ITEMS = [{"id": 1, "updated_at": "2024-01-01T07:00:00Z"},
            {"id": 2, "updated_at": "2024-01-01T09:30:00Z"},
            {"id": 3, "updated_at": "2024-01-01T09:45:00+00:00"},
            {"id": 4, "updated_at": "2024-01-01T11:00:00+02:00"}]


def instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, body, headers=None):
        self.send_json_text(status, json.dumps(body).encode(), headers)

    # JSON as written, byte for byte (numbers no Python float can hold).
    def send_json_text(self, status, data, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        if url.path != "/oauth/token":
            return self.send_json(404, {"error": "not found"})
        client_id = form.get("client_id", [""])[0]
        secret = form.get("client_secret", [""])[0]
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            pair = base64.b64decode(auth[6:]).decode()
            client_id, _, secret = pair.partition(":")
            client_id, secret = urllib.parse.unquote(client_id), urllib.parse.unquote(secret)
        if form.get("grant_type", [""])[0] != "client_credentials":
            return self.send_json(400, {"error": "unsupported_grant_type"})
        if (client_id, secret) != ("chorus", "s3cret"):
            return self.send_json(401, {"error": "invalid_client"})
        expires_in = int(urllib.parse.parse_qs(url.query).get("expires_in", ["3600"])[0])
        with lock:
            stats["tokens_issued"] += 1
            token = f"token-{stats['tokens_issued']}"
            tokens.add(token)
        self.send_json(200, {"access_token": token, "token_type": "bearer",
                             "expires_in": expires_in})

    def authorised(self, mode, params):
        auth = self.headers.get("Authorization", "")
        if mode == "none":
            return True
        if mode == "bearer":
            return auth == "Bearer s3cret"
        if mode == "oauth":
            with lock:
                return auth.startswith("Bearer ") and auth[7:] in tokens
        if mode == "key":
            return self.headers.get("X-API-Key") == "k3y" or params.get("api_key") == "k3y"
        if mode == "basic":
            return auth == "Basic " + base64.b64encode(b"chorus:s3cret").decode()
        return False

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        if url.path == "/stats":
            with lock:
                return self.send_json(200, stats)
        if url.path == "/users":
            return self.send_json(200, {"data": USERS})
        if url.path.startswith("/users/") and url.path.endswith("/orders"):
            with lock:
                stats["seen_params"].append(dict(params, path=url.path))
            orders = ORDERS.get(int(url.path.split("/")[2]), [])
            if "updated_since" in params:
                orders = [o for o in orders if o["updated_at"] >= params["updated_since"]]
            return self.send_json(200, {"data": orders})
        if url.path == "/tz":
            items = TZ_ITEMS
            if "updated_since" in params:
                items = [i for i in items
                         if instant(i["updated_at"]) >= instant(params["updated_since"])]
            with lock:
                stats["seen_params"].append(params)
            return self.send_json(200, {"data": items})
        if url.path == "/huge":
            data = b'{"data":[{"id":1,"big":1e400,"small":-2.5E-400}]}'
            return self.send_json_text(200, data)
        if url.path == "/cut":
            data = json.dumps({"data": ITEMS}).encode()
            with lock:
                n = fault_counters.get(params["key"], 0)
                fault_counters[params["key"]] = n + 1
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data[: len(data) // 2] if n < int(params.get("times", "1")) else data)
            return
        if url.path == "/echo":
            return self.send_json(400, {"error": "bad request", "you_sent": {
                "headers": dict(self.headers.items()), "query": params}})
        if url.path == "/exact":
            # Numbers a double cannot hold, written as a money API would write them.
            data = (b'{"data":[{"id":1,"amount":12345678901234567.89,'
                    b'"rate":0.1000000000000000055511151231257827,'
                    b'"meta":{"big":123456789012345678901234567890.5,"small":1.5}}]}')
            return self.send_json_text(200, data)
        if url.path != "/items":
            return self.send_json(404, {"error": "no such path"})
        with lock:
            stats["requests"] += 1
            stats["seen_params"].append(params)
            stats["seen_queries"].append(url.query)

        if "faults" in params:
            key, _, codes = params["faults"].partition(":")
            with lock:
                n = fault_counters.get(key, 0)
                fault_counters[key] = n + 1
            codes = codes.split(",")
            if n < len(codes):
                code = codes[n]
                headers = {}
                if code == "429":
                    headers["Retry-After"] = "1"
                if code == "429date":
                    code = "429"
                    headers["Retry-After"] = email.utils.formatdate(time.time() + 1, usegmt=True)
                return self.send_json(int(code), {"error": "injected"}, headers)

        if "rate" in params:
            key, _, per_second = params["rate"].partition(":")
            now = time.monotonic()
            with lock:
                last = rate_last.get(key)
                rate_last[key] = now
                # A little slack for scheduling noise; a client without a limiter is far faster.
                too_soon = last is not None and now - last < 0.8 / float(per_second)
                if too_soon:
                    stats["rate_rejections"] += 1
            if too_soon:
                return self.send_json(429, {"error": "rate limit"})

        if "revoke" in params:
            with lock:
                first = params["revoke"] not in revoked_keys
                revoked_keys.add(params["revoke"])
                if first:
                    tokens.clear()
            if first:
                return self.send_json(401, {"error": "token revoked"})

        if not self.authorised(params.get("auth", "none"), params):
            return self.send_json(401, {"error": "unauthorised"})

        items = ITEMS
        if "updated_since" in params:
            items = [i for i in items if i["updated_at"] >= params["updated_since"]]
        size = int(params.get("page_size", "10"))
        paging = params.get("paging", "none")
        base = f"http://{self.headers['Host']}/items"

        def link_to(**changes):
            query = dict(params)
            query.update({k: str(v) for k, v in changes.items()})
            return "/items?" + urllib.parse.urlencode(query)

        if paging == "none":
            return self.send_json(200, {"data": items})
        if paging in ("next_url", "link"):
            page = int(params.get("page", "1"))
            chunk = items[(page - 1) * size: page * size]
            more = page * size < len(items)
            if paging == "next_url":
                return self.send_json(200, {"data": chunk,
                                            "links": {"next": link_to(page=page + 1) if more else None}})
            headers = {"Link": f'<{base}?{link_to(page=page + 1)[7:]}>; rel="next", '
                               f'<{base}?{link_to(page=1)[7:]}>; rel="first"'} if more else {}
            return self.send_json(200, chunk, headers)
        cap = int(params.get("cap", "1000000"))
        if paging == "page":
            page = int(params.get("page", "1"))
            per_page = min(cap, int(params.get("per_page", str(size))))
            return self.send_json(200, {"data": items[(page - 1) * per_page: page * per_page]})
        if paging == "offset":
            offset, limit = int(params.get("offset", "0")), int(params.get("limit", str(size)))
            limit = min(cap, limit)
            return self.send_json(200, {"data": items[offset: offset + limit],
                                        "meta": {"total": len(items)}})
        if paging == "shift":
            offset, limit = int(params.get("offset", "0")), int(params.get("limit", str(size)))
            with lock:
                served = shift_served.get(params["key"], 0)
                shift_served[params["key"]] = served + 1
            newest_first = list(reversed(items))
            if served > 0:
                newest_first.insert(0, {"id": 26, "name": "item 26",
                                        "updated_at": "2024-01-26T00:00:00Z"})
            return self.send_json(200, {"data": newest_first[offset: offset + limit]})
        if paging == "cycle":
            cursor = params.get("cursor", "")
            start, following = {"": (0, "A"), "A": (2, "B"), "B": (4, "A")}[cursor]
            return self.send_json(200, {"data": items[start: start + 2],
                                        "meta": {"next_cursor": following}})
        if paging == "self":
            return self.send_json(200, {"data": items[:3], "links": {"next": "/items?" + url.query}})
        if paging == "empty_tail":
            page = int(params.get("page", "1"))
            return self.send_json(200, {"data": items[:5] if page == 1 else [],
                                        "links": {"next": link_to(page=page + 1)}})
        if paging == "cursor":
            start = int(params.get("cursor", "c0")[1:])
            chunk = items[start: start + size]
            following = f"c{start + size}" if start + size < len(items) else None
            return self.send_json(200, {"data": chunk, "meta": {"next_cursor": following}})
        return self.send_json(400, {"error": "unknown paging"})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
