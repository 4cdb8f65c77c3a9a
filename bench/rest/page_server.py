#!/usr/bin/env python3
"""Serves N records over P pages of JSON for the tap-rest benchmark, as a paginated API would:
GET /orders?page=K answers {"data": [...], "next": "/orders?page=K+1"} (no "next" on the last
page). Pages are built once before the server listens, so that serving costs no more for the
tap than for curl. Prints "PORT <n>" once it listens.

    page_server.py RECORDS PAGES
"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def record(i):
    # Written by hand rather than through json.dumps: 1M records build in seconds.
    return (f'{{"id":{i},"customer":"customer {i % 9973}","amount":"{i % 100000}.{i % 100:02d}",'
            f'"quantity":{i % 17},"status":"{"shipped" if i % 3 else "open"}",'
            f'"updated_at":"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00Z"}}')


def build_pages(records, pages):
    per_page = records // pages
    out = []
    for page in range(1, pages + 1):
        first = (page - 1) * per_page + 1
        data = ",".join(record(i) for i in range(first, first + per_page))
        following = f',"next":"/orders?page={page + 1}"' if page < pages else ""
        out.append(f'{{"data":[{data}]{following}}}'.encode())
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    pages = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        try:
            page = int(self.path.split("page=")[1]) if "page=" in self.path else 1
            body = self.pages[page - 1]
        except (ValueError, IndexError):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    records, pages = int(sys.argv[1]), int(sys.argv[2])
    Handler.pages = build_pages(records, pages)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
