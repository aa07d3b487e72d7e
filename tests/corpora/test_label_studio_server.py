"""Label Studio round trip against a real Label Studio server (slow; CI runs it).

The test installs ``label-studio`` (pinned) into its own virtualenv under the pytest cache
(``.pytest_cache/d/label-studio/venv-<version>``, reused between runs; never the project's
venv: Label Studio's own pins would move ours), starts it on 127.0.0.1 on a free port with a
temporary data dir and an initial admin token, creates a project with the labelling config
``convert --to label-studio`` wrote, imports our tasks, posts an annotation (the pre-annotation
as an annotator accepts it, one assertion flag changed), exports the project as JSON and reads it
back with ``--from label-studio``.  Without CLINLABEL_REQUIRE_SERVICES the test skips when the
install cannot happen (offline); in CI it fails instead.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpora.formats import read_corpus, write_corpus
from corpora.record import ASSERTIONS
from corpora.writers.label_studio import config_path_for

LS_VERSION = "1.23.2"
REQUIRE_ENV = "CLINLABEL_REQUIRE_SERVICES"
INSTALL_TIMEOUT = 1500
START_TIMEOUT = 600

pytestmark = pytest.mark.slow


def _missing(what: str) -> None:
    if os.environ.get(REQUIRE_ENV):
        pytest.fail(what)
    pytest.skip(what)


def _venv(root: Path) -> Path:
    """The Label Studio virtualenv (made and installed on first use, then reused)."""
    base = root / ".pytest_cache" / "d" / "label-studio"
    venv = base / f"venv-{LS_VERSION}"
    exe = venv / "bin" / "label-studio"
    marker = venv / "clinlabel-installed"
    if marker.is_file() and exe.is_file():
        return exe
    base.mkdir(parents=True, exist_ok=True)
    log = base / "install.log"
    with open(log, "w", encoding="utf-8") as fh:
        try:
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, stdout=fh, stderr=fh,
                           timeout=300)
            subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", f"label-studio=={LS_VERSION}"],
                           check=True, stdout=fh, stderr=fh, timeout=INSTALL_TIMEOUT)
        except (subprocess.SubprocessError, OSError) as exc:
            _missing(f"could not install label-studio=={LS_VERSION} into {venv} ({type(exc).__name__}; see {log})")
    marker.write_text(LS_VERSION + "\n")
    return exe


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def label_studio(request, tmp_path_factory):
    import httpx

    exe = _venv(Path(request.config.rootpath))
    data = tmp_path_factory.mktemp("ls-data")
    port = _free_port()
    token = secrets.token_hex(20)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update({"LABEL_STUDIO_BASE_DATA_DIR": str(data), "HOME": str(data), "COLLECT_ANALYTICS": "false",
                "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true"})
    log = open(data / "server.log", "wb")
    cmd = [str(exe), "start", "--no-browser", "--internal-host", "127.0.0.1", "-p", str(port),
           "--data-dir", str(data), "--username", "ci@example.org", "--password", secrets.token_hex(12),
           "--user-token", token, "--enable-legacy-api-token"]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=data, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=base, headers={"Authorization": f"Token {token}"}, timeout=60)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                tail = (data / "server.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"label-studio exited with {proc.returncode}:\n{tail}")
            try:
                if client.get("/api/projects").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"label-studio did not answer on {base} within {START_TIMEOUT} s")
            time.sleep(2)
        yield client
    finally:
        client.close()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the group this fixture started (server + its workers)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
        log.close()


def _records():
    text = "No fever or chills. Mother had breast cancer 😀; chest pain resolved in 2019."
    def span(word, label, **flags):
        start = text.index(word)
        out = {"start": start, "end": start + len(word), "label": label, "text": word,
               **{name: False for name in ASSERTIONS}, "score": 0.75, "kb_id": f"K:{word}"}
        out.update(flags)
        return out
    spans = [span("fever", "Problem", negated=True), span("breast cancer", "Problem", family=True),
             span("chest pain", "Problem", historical=True)]
    rel = {"head_span": {k: spans[1][k] for k in ("start", "end", "label")},
           "child_span": {k: spans[2][k] for k in ("start", "end", "label")}, "label": "related"}
    return [{"text": text, "meta": {"id": "note-1", "site": "A"}, "spans": spans, "relations": [rel],
             "codes": [{"code": "R50.9"}]},
            {"text": "Plain second note.", "meta": {"id": "note-2"}, "spans": []}]


def test_label_studio_round_trip(label_studio, tmp_path):
    client = label_studio
    records = _records()
    tasks_file = tmp_path / "tasks.json"
    assert write_corpus(records, tasks_file, "label-studio") == 2
    config = config_path_for(tasks_file).read_text(encoding="utf-8")

    r = client.post("/api/projects", json={"title": "clinlabel round trip", "label_config": config})
    assert r.status_code == 201, r.text
    project = r.json()["id"]
    r = client.post(f"/api/projects/{project}/import", json=json.loads(tasks_file.read_text(encoding="utf-8")))
    assert r.status_code == 201, r.text
    r = client.get("/api/tasks", params={"project": project, "fields": "all"})
    assert r.status_code == 200, r.text
    body = r.json()
    tasks = body["tasks"] if isinstance(body, dict) else body
    assert len(tasks) == 2
    task = next(t for t in tasks if t["data"]["meta"]["id"] == "note-1")
    predictions = task.get("predictions") or []
    if predictions and isinstance(predictions[0], dict):
        result = predictions[0]["result"]
    else:  # some versions list prediction ids only: take the result we imported
        result = json.loads(tasks_file.read_text(encoding="utf-8"))[0]["predictions"][0]["result"]
    # the annotator accepts the pre-annotation and marks "chest pain" uncertain as well
    annotated = json.loads(json.dumps(result))
    chest = next(i["id"] for i in annotated if i.get("type") == "labels" and i["value"]["labels"] == ["Problem"]
                 and i["value"]["text"] == "chest pain")
    for item in annotated:
        if item.get("type") == "choices" and item["id"] == chest:
            item["value"]["choices"].append("uncertain")
        item.pop("score", None)
    r = client.post(f"/api/tasks/{task['id']}/annotations/", json={"result": annotated, "was_cancelled": False})
    assert r.status_code == 201, r.text

    r = client.get(f"/api/projects/{project}/export", params={"exportType": "JSON"})
    assert r.status_code == 200, r.text[:500]
    export = tmp_path / "export.json"
    export.write_bytes(r.content)

    back = list(read_corpus(export))  # the format is inferred from the file's shape
    annotated_records = [b for b in back if b["meta"]["id"] == "note-1" and b.get("answer") == "accept"]
    assert len(annotated_records) == 1
    got = annotated_records[0]
    assert got["text"] == records[0]["text"]
    assert got["_annotator_id"] == "ci@example.org" or got["_annotator_id"].startswith("label-studio-user-")
    want = []
    for span in records[0]["spans"]:
        span = {k: v for k, v in span.items() if k != "score"}
        if span["text"] == "chest pain":
            span["uncertain"] = True
        want.append(span)
    key = lambda s: (s["start"], s["end"], s["label"])  # noqa: E731
    assert sorted(({k: v for k, v in s.items()} for s in got["spans"]), key=key) == sorted(want, key=key)
    assert got["relations"] == records[0]["relations"]
    assert got["codes"] == records[0]["codes"] and got["meta"]["site"] == "A"
