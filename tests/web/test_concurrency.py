"""An upload while searches run: the searches neither wait for it nor fail."""
import http.cookiejar
import json
import threading
import time
import urllib.parse
import urllib.request

from tests.conftest import SEEDS
from tests.web.conftest import ADMIN, PASSWORD


def _opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def _multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = "----kbtestboundary"
    out = b""
    for k, v in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    for field, name, data in files:
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_upload_while_searching(live_server):
    admin = _opener()
    token = json.load(admin.open(live_server + "/api/csrf"))["csrf_token"]
    admin.open(live_server + "/login", data=urllib.parse.urlencode(
        {"name": ADMIN, "password": PASSWORD, "csrf_token": token}).encode())
    token = json.load(admin.open(live_server + "/api/csrf"))["csrf_token"]  # a new session, a new token

    results: list[tuple[float, int, int]] = []  # (finished at, status, number of results)
    errors: list[str] = []
    stop = threading.Event()
    queries = ["was not brought", "voice of the child", "escalation policy", "information sharing"]

    def searcher(n: int) -> None:
        opener = _opener()
        i = 0
        while not stop.is_set():
            q = urllib.parse.quote(queries[(n + i) % len(queries)])
            try:
                with opener.open(f"{live_server}/api/search?q={q}", timeout=30) as r:
                    body = json.load(r)
                    results.append((time.monotonic(), r.status, len(body["results"])))
            except Exception as exc:  # noqa: BLE001 - any failure fails the test below
                errors.append(repr(exc))
            i += 1

    threads = [threading.Thread(target=searcher, args=(n,), daemon=True) for n in range(4)]
    for t in threads:
        t.start()
    try:
        started, finished = _upload_and_wait(live_server, admin, token)
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join()

    assert not errors, errors[:3]
    assert all(status == 200 and n > 0 for _, status, n in results)
    during = [r for r in results if started < r[0] < finished]
    assert len(during) >= 4, "searches were answered while the documents were being ingested"
    # the new documents are searchable afterwards
    hits = json.load(_opener().open(f"{live_server}/api/search?q=Freedom+programme&k=20"))["results"]
    assert len({h["document"]["id"] for h in hits}) >= 2


def _upload_and_wait(live_server, admin, token) -> tuple[float, float]:
    time.sleep(0.5)
    # two large documents (the annual report is 600+ points) under new names
    big = SEEDS["002"].read_bytes()
    body, ctype = _multipart({}, [("files", "annual-copy-a.txt", big), ("files", "annual-copy-b.txt", big)])
    req = urllib.request.Request(live_server + "/api/documents", data=body,
                                 headers={"Content-Type": ctype, "X-CSRFToken": token})
    started = time.monotonic()
    jobs = json.load(admin.open(req))
    pending = {j["id"] for j in jobs}
    deadline = time.monotonic() + 120
    while pending:
        assert time.monotonic() < deadline, "the upload did not finish in two minutes"
        for job_id in list(pending):
            job = json.load(admin.open(f"{live_server}/api/jobs/{job_id}"))
            assert job["status"] != "failed", job
            if job["finished"]:
                pending.discard(job_id)
        time.sleep(0.1)
    return started, time.monotonic()
