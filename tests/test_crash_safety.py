"""`assistant index` survives SIGKILL at random moments, a full disk, and a second indexer running at once.

Real processes (`python -m assistant index`), a real store on disk (SQLite + embedded Chroma), three laws from
../shared (or generated regulation texts when it is absent). The hash embedder keeps the vector phase fast;
--batch-size 8 makes it many small Chroma writes, so kills land between and inside them.
Kills: the first as soon as the docstore appears (parse phase), every other one just after the run has written
vectors (vector phase), the rest at a random moment. CRASH_KILLS (default 5) sets their number;
`python benchmarks/fuzz.py --only kills` runs 20.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SHARED
from filelock import FileLock, Timeout

ROOT = Path(__file__).resolve().parent.parent
LAWS = [("行政法", "中华人民共和国行政处罚法.md"), ("行政法", "中华人民共和国行政许可法.md"),
        ("社会法", "中华人民共和国安全生产法.md")]
KILLS = int(os.environ.get("CRASH_KILLS", "5"))
NO_TRACEBACK = "Traceback"


def generated_law(n: int, articles: int = 120) -> str:
    lines = [f"# 示例管理条例{n}", ""]
    for ch in range(1, 7):
        lines += [f"## 第{'一二三四五六'[ch - 1]}章 第{ch}部分", ""]
        for a in range(articles // 6):
            no = (ch - 1) * (articles // 6) + a + 1
            lines += [f"第{no}条 为了规范第{n}类事项的管理，保障有关各方的合法权益，县级以上人民政府应当"
                      f"依照本条例第{max(1, no - 1)}条的规定履行职责，并向社会公开办理结果。", ""]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def laws(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("laws")
    texts = SHARED / "corpus" / "regulations" / "texts"
    for i, (folder, name) in enumerate(LAWS):
        src = texts / folder / name
        if src.exists():
            (out / name).write_bytes(src.read_bytes())
        else:  # ../shared absent: regulation texts of the same shape and size
            (out / f"示例管理条例{i}.md").write_text(generated_law(i), encoding="utf-8")
    return out


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CHROMA_"))}
    env.update(ASSISTANT_HOME=str(home), ASSISTANT_EMBEDDER="hash", ANONYMIZED_TELEMETRY="False")
    return env


def index_cmd(laws: Path) -> list[str]:
    return [sys.executable, "-m", "assistant", "index", str(laws), "--kind", "regulation", "--json",
            "--batch-size", "8"]


def run(cmd: list[str], home: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env_for(home), capture_output=True, text=True, timeout=300, cwd=ROOT, **kw)


def stats(home: Path) -> dict:
    out = run([sys.executable, "-m", "assistant", "stats", "--json"], home)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def vector_ids(home: Path) -> list[str]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(home / "store" / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    col = client.get_collection("gongwen_kb")
    ids: list[str] = []
    while batch := col.get(limit=1000, offset=len(ids), include=[])["ids"]:
        ids += batch
    return ids


def summary(home: Path) -> dict:
    s = stats(home)
    ids = vector_ids(home)
    return {"documents": s["documents"], "chunks": s["chunks"], "embedded": s["embedded"],
            "pending": s["pending"], "vectors": len(ids), "distinct_vectors": len(set(ids)),
            "titles": sorted(d["title"] for d in s["documents_list"])}


@pytest.fixture(scope="module")
def clean(laws, tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("clean")
    out = run(index_cmd(laws), home)
    assert out.returncode == 0, out.stderr
    result = summary(home)
    assert result["pending"] == 0 and result["documents"] == 13  # 10 bundled samples + 3 laws
    return result


def _wait(proc: subprocess.Popen, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while proc.poll() is None and not ready() and time.monotonic() < deadline:
        time.sleep(0.02)


def embedded_count(home: Path) -> int:
    """Chunks marked embedded, read beside the writer (WAL readers do not block it)."""
    try:
        with sqlite3.connect(f"file:{home / 'store' / 'docstore.sqlite'}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT COUNT(*) FROM chunks WHERE embedded=1").fetchone()[0]
    except sqlite3.Error:
        return -1


def phase_of(home: Path) -> str:
    """The state a kill left, read back from the store: "parse" (not all laws stored), "keyword" (all stored,
    no vector yet), "vector" (some vectors written, some pending), "done"."""
    if not (home / "store" / "docstore.sqlite").exists():
        return "startup"
    s = stats(home)
    if s["by_kind"]["regulation"]["documents"] < 3:
        return "parse"
    if s["pending"] == s["chunks"]:
        return "keyword"
    return "vector" if s["pending"] else "done"


def test_sigkill_at_random_moments_then_one_full_run_equals_a_clean_run(laws, clean, tmp_path):
    home = tmp_path / "home"
    rng = random.Random(1414)
    phases: list[str] = []
    attempts = 0
    while len(phases) < KILLS and attempts < KILLS * 4:
        attempts += 1
        proc = subprocess.Popen(index_cmd(laws), env=env_for(home), cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        if not phases:
            # The first kill lands in the parse phase: as soon as the docstore appears.
            _wait(proc, lambda: (home / "store" / "docstore.sqlite").exists())
            time.sleep(rng.uniform(0.0, 0.3))
        elif len(phases) % 2:
            # Every other kill lands in the vector phase: once this run has written vectors, inside the next
            # batches (between the Chroma upsert and the docstore's `embedded` mark, or within either).
            start = embedded_count(home)
            _wait(proc, lambda start=start: embedded_count(home) > start)
            time.sleep(rng.uniform(0.0, 0.8))
        else:
            time.sleep(rng.uniform(0.5, 4.0))
        if proc.poll() is not None:  # finished before the kill: nothing to learn from this attempt
            assert proc.returncode == 0, proc.stderr.read()
            proc.stderr.close()
            break
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
        phases.append(phase_of(home))
    assert len(phases) >= min(KILLS, 3), phases
    assert "parse" in phases and "vector" in phases, phases
    final = run(index_cmd(laws), home)
    assert final.returncode == 0, final.stderr
    assert NO_TRACEBACK not in final.stderr
    assert summary(home) == clean, phases  # same documents, chunks, vectors; no vector twice
    print(f"kills survived: {len(phases)} in phases {phases}")


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing us
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize(("limit", "resume"), [(64 * 1024, False), (3 * 1024 * 1024, True)])
def test_full_disk_is_a_clear_error_and_the_store_still_opens(laws, clean, tmp_path, limit, resume):
    home = tmp_path / "home"
    out = run(index_cmd(laws), home, preexec_fn=_limit_file_size(limit))
    assert out.returncode == 2, (out.returncode, out.stderr[-2000:])
    assert NO_TRACEBACK not in out.stderr
    assert "写入知识库时出错" in out.stderr and "磁盘已满" in out.stderr
    before = stats(home)  # opens, answers
    assert before["documents"] <= 13
    search = run([sys.executable, "-m", "assistant", "search", "安全生产", "--json", "--mode", "bm25"], home)
    assert search.returncode == 0, search.stderr
    if not resume:
        return
    again = run(index_cmd(laws), home)  # space is back: the same command finishes the job
    assert again.returncode == 0, again.stderr
    assert summary(home) == clean


def test_two_indexers_at_once_are_serialised(laws, clean, tmp_path):
    home = tmp_path / "home"
    first = subprocess.Popen(index_cmd(laws), env=env_for(home), cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    probe = FileLock(str(home / "index.lock"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and first.poll() is None:  # wait until the first one holds the lock
        try:
            probe.acquire(timeout=0)
            probe.release()
            time.sleep(0.02)
        except Timeout:
            break
    assert first.poll() is None, "the first indexer finished before the second could start"
    second = run(index_cmd(laws), home)
    out1, err1 = first.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert second.returncode == 0, second.stderr
    assert "另一个进程正在更新知识库" in second.stderr
    report = json.loads(second.stdout)
    # It waited for the first to finish: every law was already there, nothing was parsed or embedded twice.
    assert (report["added"], report["unchanged"], report["embedded"]) == (0, 3, 0)
    assert json.loads(out1)["stats"]["pending"] == 0
    assert summary(home) == clean
