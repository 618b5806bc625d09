"""The chat and the web UI under load, measured against a real `assistant serve` on 127.0.0.1.

  python benchmarks/ui_bench.py [--users 20] [--requests 1000] [--write-docs]

What it measures (issue 12 and 14 figures):
  * `assistant serve` ready: seconds from starting the process until the page answers;
  * time to first token of a chat draft above the model's own: an OpenAI-compatible stub delays its first token
    by a known amount; the chat's first streamed text is timed in process (Chat.reply, the page's code path);
  * check, cite and article-lookup replies for a 10-page draft through the API (/check, /cite, /chat);
  * N concurrent gradio_client users mixing /chat, /check, /cite and /search: errors, p50/p95;
  * server memory (RSS) after 100 and after all requests.
The baseline in the same run: one client's sequential latency for the same calls.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_ae7bc27bfd6d05d1.txt"
LAW = SHARED / "corpus" / "regulations" / "texts" / "社会法" / "中华人民共和国安全生产法.md"

from docs_section import replace_section  # noqa: E402
from openai_server import FakeOpenAIServer, Reply  # noqa: E402

from assistant.services.chat import Chat, ChatSession  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def start_server(home: Path) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    env = {**os.environ, "ASSISTANT_HOME": str(home), "ASSISTANT_EMBEDDER": "hash"}
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY"):
        env.pop(var, None)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    while time.perf_counter() - t0 < 120:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return proc, url, time.perf_counter() - t0
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("assistant serve did not come up within 120 s")


def gradio_import_seconds() -> float:
    """Baseline for the startup figure: a bare `import gradio` in a fresh interpreter, same machine, same run."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import gradio"], check=True)
    return time.perf_counter() - t0


def ttft_over_model(delay: float, home: Path, runs: int = 5) -> list[float]:
    """Chat time to first streamed text minus the stub's own first-token delay, in ms."""
    over = []
    with FakeOpenAIServer(default=Reply(text="一是执法培训不足；二是制度建设滞后。", delay=delay)) as server:
        settings = Settings(home=home, embedder="hash", llm_base_url=server.base_url, llm_api_key="k",
                            llm_model="fake-model")
        for _ in range(runs):
            chat = Chat(ChatSession(), kb=None, settings=settings)
            t0 = time.perf_counter()
            for update in chat.reply("帮我写‘存在的不足和原因’部分，材料：执法培训不足。"):
                if update.text.strip():
                    over.append((time.perf_counter() - t0 - delay) * 1000)
                    break
    return over


def ten_page_draft() -> str:
    text = SEED.read_text(encoding="utf-8")
    while len(text) < 10 * 22 * 28:
        text += "\n" + "\n".join(line for line in SEED.read_text(encoding="utf-8").splitlines()[12:40])
    return text


def timed(client, message: str, api: str) -> float:
    t0 = time.perf_counter()
    client.predict(message, api_name=api)
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    if not SEED.exists():
        raise SystemExit(f"needs {SEED} (../shared)")
    from gradio_client import Client

    home = Path(tempfile.mkdtemp(prefix="ui-bench-"))
    if LAW.exists():
        subprocess.run([sys.executable, "-m", "assistant", "index", str(LAW), "--kind", "regulation", "--json"],
                       env={**os.environ, "ASSISTANT_HOME": str(home), "ASSISTANT_EMBEDDER": "hash"},
                       check=True, capture_output=True)
    over = ttft_over_model(0.5, home)
    baseline_import = gradio_import_seconds()
    proc, url, ready = start_server(home)
    server = psutil.Process(proc.pid)
    draft = ten_page_draft()
    jobs = [("/check", "帮我检查：" + draft), ("/cite", draft), ("/chat", "《安全生产法》第二十五条是怎么规定的？"),
            ("/search", "安全生产管理人员的职责")]
    try:
        one = Client(url, verbose=False)
        single = {api: statistics.median(timed(one, msg, api) for _ in range(5)) for api, msg in jobs}
        latencies: list[float] = []
        errors: list[str] = []
        rss: dict[str, float] = {}
        lock = threading.Lock()
        counter = iter(range(args.requests))

        def user(seed: int) -> None:
            rnd = random.Random(seed)
            client = Client(url, verbose=False)
            for n in counter:
                api, msg = rnd.choice(jobs)
                try:
                    ms = timed(client, msg, api)
                except Exception as err:  # noqa: BLE001 — counted, the run goes on
                    with lock:
                        errors.append(f"{api}: {type(err).__name__}: {err}"[:200])
                    continue
                with lock:
                    latencies.append(ms)
                    if n == 99:
                        rss["100"] = server.memory_info().rss / 2**20

        t0 = time.perf_counter()
        threads = [threading.Thread(target=user, args=(i,)) for i in range(args.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        rss["end"] = server.memory_info().rss / 2**20
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    growth = (rss["end"] / rss["100"] - 1) * 100 if "100" in rss else float("nan")
    lines = [
        f"Machine: {os.cpu_count()} cores; server `assistant serve` on 127.0.0.1 with the hash embedder "
        f"(retrieval quality is retrieval_eval's subject); 10-page draft = the seed extended to {len(draft)} characters.",
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| `assistant serve` ready | {ready:.1f} s | ≤ 5 s |",
        f"| … baseline: a bare `python -c 'import gradio'` in the same run | {baseline_import:.1f} s | — |",
        f"| load average during the run (1 min) | {os.getloadavg()[0]:.1f} | — |",
        f"| chat time to first token above the model's own (stub delay 500 ms, median of {len(over)}) | "
        f"{statistics.median(over):.0f} ms | ≤ 200 ms |",
        f"| /check of the 10-page draft, one client (median of 5) | {single['/check']:.0f} ms | ≤ 1 s |",
        f"| /cite of the 10-page draft, one client | {single['/cite']:.0f} ms | ≤ 1 s |",
        f"| /chat article lookup, one client | {single['/chat']:.0f} ms | ≤ 1 s |",
        f"| /search, one client | {single['/search']:.0f} ms | — |",
        f"| {args.users} concurrent users, {args.requests} mixed requests: errors | {len(errors)} | 0 |",
        f"| … latency p50 / p95 | {pct(latencies, 0.5):.0f} / {pct(latencies, 0.95):.0f} ms | — |",
        f"| … throughput | {len(latencies) / wall:.1f} requests/s | — |",
        f"| server RSS after 100 / after {args.requests} requests | {rss.get('100', float('nan')):.0f} / "
        f"{rss['end']:.0f} MB ({growth:+.1f} %) | within 10 % |",
        "",
        "Reproduce: `python benchmarks/ui_bench.py --write-docs`.",
    ]
    report = "\n".join(lines)
    print(report)
    if errors:
        print("errors:", *errors[:10], sep="\n  ")
    if args.write_docs:
        replace_section("Chat and web UI", report)


if __name__ == "__main__":
    main()
