"""Web UI: the real Gradio app on 127.0.0.1, driven by a real browser (Playwright + Debian chromium), plus
browser-free tests of the serve command's binding rules, login, uploads and the Word export.

Browser tests need /usr/bin/chromium and a CJK font (CI: `apt-get install -y chromium fonts-wqy-microhei`).
Without chromium they fail in CI (env CI set) and skip on a developer machine."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fixtures_docs import make_image_only_pdf
from openai_server import FakeOpenAIServer, Reply

from assistant.settings import PROJECT_ROOT, Settings
from assistant.ui.access import check_bind, parse_auth
from assistant.ui.handlers import UIState, export_docx, index_uploads, search_kb, stats_html

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
SAMPLE = PROJECT_ROOT / "knowledge" / "samples" / "fazhi_county_2023.txt"
SCREENSHOT = Path("/tmp/ui.png")
WAIT_MS = 30_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings_for(home: Path, **extra) -> Settings:
    return Settings(home=home, **extra)


# ---------------------------------------------------------------------------------------------------------
# serve: binding and login (no browser)
# ---------------------------------------------------------------------------------------------------------


def _serve(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ASSISTANT_UI_AUTH"}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "assistant", "serve", *args], capture_output=True, text=True,
                          timeout=60, env=env)


def test_serve_refuses_public_address_without_auth():
    t0 = time.perf_counter()
    proc = _serve("--host", "0.0.0.0", "--port", str(free_port()))
    assert proc.returncode == 2
    assert "拒绝在 0.0.0.0 上启动" in proc.stderr and "--auth" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert time.perf_counter() - t0 < 30  # refused before anything was launched (it would block otherwise)


def test_serve_rejects_malformed_credentials_from_env():
    proc = _serve("--host", "0.0.0.0", "--port", str(free_port()), env_extra={"ASSISTANT_UI_AUTH": "nopassword"})
    assert proc.returncode == 2
    assert "用户名:密码" in proc.stderr


def test_serve_starts_on_localhost_and_serves_the_page(tmp_path):
    import httpx

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "ASSISTANT_UI_AUTH"}
    env["ASSISTANT_HOME"] = str(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # blocks until the app is up (or the process dies)
        assert "公文助手已启动" in line and f"127.0.0.1:{port}" in line, (line, proc.poll())
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10, trust_env=False)
        assert page.status_code == 200 and "公文助手" in page.text
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_bind_rules():
    for host in ("127.0.0.1", "localhost", "::1"):
        check_bind(host, None)
    check_bind("0.0.0.0", ("user", "pw"))
    assert parse_auth("user:pa:ss") == ("user", "pa:ss")
    assert parse_auth("") is None
    from assistant.errors import ConfigError

    with pytest.raises(ConfigError, match="拒绝"):
        check_bind("192.168.1.10", None)
    with pytest.raises(ConfigError):
        parse_auth(":pw")


def test_login_is_enforced_when_auth_is_set(tmp_path):
    import httpx

    from assistant.ui.app import launch

    app, url = launch("127.0.0.1", free_port(), ("clerk", "s3cret-pass"), settings=settings_for(tmp_path),
                      prevent_thread_lock=True, embed_after_upload=False)
    try:
        with httpx.Client(base_url=url, timeout=10, trust_env=False) as client:
            assert client.get("config").status_code == 401
            bad = client.post("login", data={"username": "clerk", "password": "wrong"})
            assert bad.status_code >= 400
            ok = client.post("login", data={"username": "clerk", "password": "s3cret-pass"})
            assert ok.status_code == 200
            cfg = client.get("config")
            assert cfg.status_code == 200 and "公文助手" in cfg.text
    finally:
        app.close()


# ---------------------------------------------------------------------------------------------------------
# Handlers without a browser: uploads, search, export
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def state(tmp_path):
    st = UIState(settings_for(tmp_path / "home"), embed_after_upload=False)
    yield st
    st.close()


def _kb_counts(st: UIState) -> tuple[int, int]:
    s = st.kb().stats()
    return s["documents"], s["chunks"]


def test_bad_uploads_show_a_message_and_change_nothing(state, tmp_path):
    before = _kb_counts(state)
    empty = tmp_path / "空文件.txt"
    empty.write_bytes(b"")
    garbage = tmp_path / "乱码.docx"
    garbage.write_bytes(os.urandom(4096))
    scanned = make_image_only_pdf(tmp_path / "扫描件.pdf")
    for bad, expected in ((empty, "空"), (garbage, "乱码.docx"), (scanned, "OCR")):
        out = index_uploads(state, [str(bad)])
        assert "gw-error" in out and "未加入" in out and expected in out, out
        assert "Traceback" not in out
    assert _kb_counts(state) == before
    assert not (state.settings.home / "uploads").exists() or not any((state.settings.home / "uploads").iterdir())
    assert "请先选择" in index_uploads(state, [])


def test_uploaded_report_is_keyword_searchable_at_once(state, tmp_path):
    doc = tmp_path / "青山镇2023年法治政府建设情况的报告.txt"
    doc.write_text("青山镇人民政府关于2023年法治政府建设情况的报告\n\n一、主要举措和成效\n"
                   "全年组织独有词汇翡翠溪流域巡查执法十二次。\n\n二、存在的不足和原因\n"
                   "翡翠溪流域执法力量不足。\n", encoding="utf-8")
    docs_before, _ = _kb_counts(state)
    out = index_uploads(state, [str(doc)], kind="report")
    assert "新增 1 个" in out and "gw-error" not in out, out
    assert _kb_counts(state)[0] == docs_before + 1
    msg, rows = search_kb(state, "翡翠溪流域巡查", "report", "")
    assert rows and rows[0][1].startswith("青山镇"), rows
    assert "待生成" in stats_html(state)


def test_vectors_follow_in_the_background_after_upload(tmp_path):
    # The fast "hash" embedder stands in for e5 here (same pipeline, no model load).
    st = UIState(settings_for(tmp_path / "home", embedder="hash"), embed_after_upload=True)
    try:
        doc = tmp_path / "红岩县2023年法治政府建设情况的报告.txt"
        doc.write_text("红岩县人民政府关于2023年法治政府建设情况的报告\n\n一、主要举措和成效\n"
                       "推进玛瑙河沿线综合执法。\n", encoding="utf-8")
        out = index_uploads(st, [str(doc)], kind="report")
        assert "向量正在后台生成" in out, out
        st.wait_for_embedding(60)
        s = st.kb().stats()
        assert s["chunks"] > 0 and s["embedded"] == s["chunks"], s
        assert "待生成 0 个" in stats_html(st)
        _, rows = search_kb(st, "玛瑙河沿线综合执法", "report", "")
        assert rows and rows[0][1].startswith("红岩县")
    finally:
        st.close()


def test_unreachable_endpoint_is_a_chinese_message_not_a_traceback(tmp_path):
    from assistant.ui.handlers import draft_stream

    st = UIState(settings_for(tmp_path / "home", llm_base_url=f"http://127.0.0.1:{free_port()}/v1",
                              llm_model="m", llm_max_retries=0, llm_timeout=5))
    try:
        updates = list(draft_stream(st, "全年开展执法培训3次", "法治政府建设年度报告", "shortcomings"))
    finally:
        st.close()
    last = updates[-1]
    assert last.done and last.error and last.result is None
    assert any("\u4e00" <= ch <= "\u9fff" for ch in last.error) and "Traceback" not in last.error
    assert "起草失败" not in last.error  # an LLMError of the client, not an unexpected exception


def test_draft_needs_genre_and_section(state):
    from assistant.ui.handlers import draft_stream

    assert list(draft_stream(state, "材料", None, None))[-1].error == "请先选择文种"
    assert list(draft_stream(state, "材料", "法治政府建设年度报告", ""))[-1].error == "请先选择要起草的章节"
    assert "不是有效的年份" in list(draft_stream(state, "材料", "法治政府建设年度报告", "shortcomings", year="明年"))[-1].error


def test_search_errors_are_messages(state):
    msg, rows = search_kb(state, "  ", "", "")
    assert "检索内容为空" in msg and rows == []


def test_export_docx_writes_gbt9704_word_file():
    import docx

    text = "二、存在的不足和原因\n（一）执法力量不足\n全年执法培训3次。"
    path = export_docx(text, "法治政府建设年度报告")
    d = docx.Document(str(path))
    paras = [p.text for p in d.paragraphs if p.text.strip()]
    assert paras[:3] == text.splitlines()
    from docx.oxml.ns import qn

    def east_asia(p) -> str | None:
        rpr = p.runs[0]._element.rPr
        return rpr.rFonts.get(qn("w:eastAsia")) if rpr is not None and rpr.rFonts is not None else None

    heading, sub, body = (p for p in d.paragraphs if p.text.strip())
    assert east_asia(heading) == "黑体" and east_asia(sub) == "楷体_GB2312"
    assert east_asia(body) in ("仿宋_GB2312", None)  # None: inherits 仿宋 from the Normal style
    from assistant.errors import DocumentError

    with pytest.raises(DocumentError, match="还没有可导出的草稿"):
        export_docx("  ")


# ---------------------------------------------------------------------------------------------------------
# Browser tests
# ---------------------------------------------------------------------------------------------------------


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail("UI browser tests need /usr/bin/chromium: run `apt-get install -y chromium fonts-wqy-microhei` "
                    "in CI")
    pytest.skip("needs /usr/bin/chromium (apt-get install -y chromium fonts-wqy-microhei); CI always runs these")


@pytest.fixture(scope="module")
def browser():
    _need_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("UI browser tests need the playwright package (pip install -e '.[test]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def offline_app(tmp_path_factory):
    """The app with no LLM endpoint: template drafts, nothing sent anywhere."""
    from assistant.ui.app import launch

    home = tmp_path_factory.mktemp("ui-home")
    app, url = launch("127.0.0.1", free_port(), None, settings=settings_for(home), prevent_thread_lock=True,
                      embed_after_upload=False)
    yield url
    app.close()


@pytest.fixture
def page_of(browser):
    pages = []
    outside: list[str] = []

    def open_page(url: str):
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = ctx.new_page()
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
        page.goto(url, wait_until="load")
        page.wait_for_selector("#chat-input", timeout=WAIT_MS)  # the 对话 page opens first
        pages.append(ctx)
        return page

    yield open_page
    for ctx in pages:
        ctx.close()
    assert not outside, f"the page contacted hosts other than this machine: {outside[:5]}"


def _wait_text(page, selector: str, needle: str) -> str:
    page.wait_for_function("([sel, needle]) => { const el = document.querySelector(sel);"
                           " return el && el.innerText.includes(needle); }", arg=[selector, needle], timeout=WAIT_MS)
    return page.locator(selector).inner_text()


def test_check_tab_lists_findings_of_pasted_text(offline_app, page_of, seed_path):
    page = page_of(offline_app)
    page.get_by_role("tab", name="检查").click()
    page.fill("#check-text textarea", seed_path.read_text(encoding="utf-8"))
    page.click("#check-btn")
    report = _wait_text(page, "#check-report", "合计")
    assert "文种：法治政府建设年度报告" in report
    assert "《中华人民共和国信息公开条例》" in report and "《中华人民共和国政府信息公开条例》" in report
    assert "[错误] 第35行" in report  # the checklist points at the line
    assert "中国共产党宣传工作条例" in report
    sections = page.locator("#check-sections").inner_text()
    assert "必备部分齐全" in sections and "第37行" in sections
    cites = page.locator("#check-cites").inner_text()
    assert "中华人民共和国政府信息公开条例" in cites and "近似" in cites
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_check_tab_bad_upload_shows_message(offline_app, page_of, tmp_path):
    garbage = tmp_path / "损坏的文件.docx"
    garbage.write_bytes(os.urandom(2048))
    page = page_of(offline_app)
    page.get_by_role("tab", name="检查").click()
    page.set_input_files("#check-file input[type=file]", str(garbage))
    page.wait_for_function("() => document.querySelector('#check-file').innerText.includes('损坏的文件')",
                           timeout=WAIT_MS)
    page.click("#check-btn")
    report = _wait_text(page, "#check-report", "错误：")
    assert "损坏的文件.docx" in report and "Traceback" not in report


def test_cite_tab_table(offline_app, page_of):
    page = page_of(offline_app)
    page.get_by_role("tab", name="引用核查").click()
    page.fill("#cite-text textarea", "依据《中华人民共和国合同法》和《安全生产法》第二十五条开展工作。")
    page.click("#cite-btn")
    _wait_text(page, "#cite-summary", "共 2 处引用")
    table = page.locator("#cite-table").inner_text()
    assert "中华人民共和国民法典" in table  # 合同法 was replaced by 民法典
    assert "中华人民共和国安全生产法" in table and "简称" in table


def test_draft_tab_without_endpoint_gives_template_draft(offline_app, page_of):
    page = page_of(offline_app)
    page.get_by_role("tab", name="起草").click()
    assert "模板草稿" in page.locator("#mode-note").inner_text()
    page.locator("#draft-role input").click()
    page.get_by_role("option", name="上一年度推进法治政府建设存在的不足和原因").click()
    page.fill("#msg textarea", "全年开展执法培训3次，执法人员持证率达到100%（含A&B<类>岗位）")
    page.click("#send")
    reply = _wait_text(page, "#chatbot", "模板草稿")
    assert "全年开展执法培训3次" in reply and "【待补充】" in reply
    sources = _wait_text(page, "#draft-sources", "shortcomings")
    assert "示例" in sources
    page.click("#export")
    _wait_text(page, "#draft-file", ".docx")
    # A second turn: earlier bubbles keep their text exactly (no double escaping of "&" or "<").
    page.fill("#msg textarea", "补充：A&B<类>问题整改2项")
    page.click("#send")
    page.wait_for_function("() => document.querySelectorAll(\"#chatbot [data-testid='bot']\").length >= 2",
                           timeout=WAIT_MS)
    _wait_text(page, "#chatbot", "A&B<类>问题整改2项")
    first_user = page.locator("#chatbot [data-testid='user']").first.inner_text()
    assert "（含A&B<类>岗位）" in first_user and "&amp;" not in page.locator("#chatbot").inner_text()


def test_knowledge_base_tab_search_and_upload(offline_app, page_of, tmp_path):
    page = page_of(offline_app)
    page.get_by_role("tab", name="知识库").click()
    stats = _wait_text(page, "#kb-stats", "文档")
    assert "片段" in stats and "已生成向量" in stats
    page.fill("#kb-query textarea", "存在的不足和原因")
    page.click("#kb-search")
    _wait_text(page, "#kb-msg", "找到")
    results = page.locator("#kb-results").inner_text()
    assert "shortcomings" in results and "示例" in results

    # Upload a report: searchable at once; its text is data (the <img> in it is shown, never fetched).
    doc = tmp_path / "白沙镇2023年法治政府建设情况的报告.txt"
    doc.write_text("白沙镇人民政府关于2023年法治政府建设情况的报告\n\n一、主要举措和成效\n"
                   "开展琥珀湾渔港专项执法检查。<img src=\"http://203.0.113.9/c.png\">\n\n"
                   "二、存在的不足和原因\n琥珀湾渔港执法力量不足。\n", encoding="utf-8")
    page.set_input_files("#kb-files input[type=file]", str(doc))
    page.wait_for_function("() => document.querySelector('#kb-files').innerText.includes('白沙镇')",
                           timeout=WAIT_MS)
    page.click("#kb-index")
    _wait_text(page, "#kb-index-msg", "新增 1 个")
    page.fill("#kb-query textarea", "琥珀湾渔港专项执法")
    page.click("#kb-search")
    _wait_text(page, "#kb-results", "白沙镇")
    assert '<img src="http://203.0.113.9/c.png">' in page.locator("#kb-results").inner_text()


def test_draft_tab_streams_from_configured_endpoint(browser, page_of, tmp_path, monkeypatch):
    """With OPENAI_BASE_URL pointing at the project's OpenAI-compatible test server, the reply streams into
    the chat (its length grows while the server is still sending) and an invented figure is flagged."""
    from assistant.ui.app import launch

    # The reply carries a Markdown image and an <img> tag: the chat shows them as text, the browser must
    # not fetch them (page_of fails the test on any request that leaves 127.0.0.1).
    reply = ("一、主要举措和成效\n（一）加强执法培训\n![图](http://203.0.113.9/a.png)<img src=\"http://203.0.113.9/b.png\">"
             "全年开展执法培训3次，另组织旁听庭审120人次，持续提升依法行政能力。")
    chunks = [reply[i:i + 3] for i in range(0, len(reply), 3)]
    with FakeOpenAIServer(default=Reply(text=reply, chunks=chunks, chunk_delay=0.12)) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("ASSISTANT_LLM_MODEL", "fake-model")
        monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
        app, url = launch("127.0.0.1", free_port(), None, settings=Settings(), prevent_thread_lock=True,
                          embed_after_upload=False)
        try:
            page = page_of(url)
            page.get_by_role("tab", name="起草").click()
            assert server.base_url in page.locator("#mode-note").inner_text()
            page.fill("#msg textarea", "全年开展执法培训3次")
            page.click("#send")
            lengths: list[int] = []
            deadline = time.monotonic() + 30
            bot = page.locator("#chatbot [data-testid='bot']").last
            while time.monotonic() < deadline:
                text = bot.inner_text() if bot.count() else ""
                if text.strip():
                    lengths.append(len(text))
                if "依法行政能力" in text:
                    break
                time.sleep(0.1)
            assert "依法行政能力" in bot.inner_text()
            shown = bot.inner_text()
            assert "![图](http://203.0.113.9/a.png)" in shown and '<img src="http://203.0.113.9/b.png">' in shown
            partial = sorted({n for n in lengths if n < lengths[-1]})
            assert len(partial) >= 2, f"reply did not stream: lengths seen {lengths}"
            warnings = _wait_text(page, "#draft-warnings", "120")
            assert "120" in warnings
            req = server.chat_requests()[-1]
            assert "全年开展执法培训3次" in req.all_text
        finally:
            app.close()


# ---------------------------------------------------------------------------------------------------------
# The 对话 page (first tab): one box for every job
# ---------------------------------------------------------------------------------------------------------


def _chat_send(page, text: str, bots_before: int) -> str:
    page.fill("#chat-input textarea", text)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "([n]) => { const b = document.querySelectorAll(\"#chat [data-testid='bot']\");"
        " return b.length > n && b[b.length - 1].innerText.includes('处理'); }", arg=[bots_before], timeout=WAIT_MS)
    return page.locator("#chat [data-testid='bot']").last.inner_text()


def test_chat_page_checks_cites_drafts_and_revises(offline_app, page_of, seed_path):
    page = page_of(offline_app)
    lines = seed_path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("二、"))
    end = next(i for i, line in enumerate(lines) if line.strip().startswith("三、"))
    reply = _chat_send(page, "帮我检查这份报告缺什么部分：" + "\n".join(lines[:start] + lines[end:]), 0)
    assert "缺少的必备部分" in reply and "存在的不足和原因" in reply and "按『检查』处理" in reply

    reply = _chat_send(page, "核对这段话里的法规引用：依据《中华人民共和国信息公开条例》第十九条。", 1)
    assert "中华人民共和国政府信息公开条例" in reply and "按『核对引用』处理" in reply

    reply = _chat_send(page, "帮我写‘存在的不足和原因’部分，材料：执法人员培训不足，全年仅培训3次。", 2)
    assert "离线模板草稿" in reply and "按『起草』处理" in reply
    reply = _chat_send(page, "加上培训的数字：全年培训执法人员1200人次", 3)
    assert "1200人次" in reply and "按『修改』处理" in reply

    # A reload restores the conversation (the session id lives in the browser, the turns on disk).
    page.reload(wait_until="load")
    page.wait_for_function("() => document.querySelectorAll(\"#chat [data-testid='bot']\").length >= 4",
                           timeout=WAIT_MS)
    # 新对话 empties it.
    page.click("#chat-new")
    page.wait_for_function("() => document.querySelectorAll(\"#chat [data-testid='bot']\").length == 0",
                           timeout=WAIT_MS)


def test_chat_page_lookup_without_law_text_says_how_to_import(offline_app, page_of):
    page = page_of(offline_app)
    page.click("#chat-new")
    reply = _chat_send(page, "《安全生产法》第二十五条是怎么规定的？", 0)
    assert "《中华人民共和国安全生产法》第二十五条" in reply and "导入" in reply
    # Redo the same question as a citation check with one click.
    page.click("#chat-redo-cite")
    page.wait_for_function("() => { const b = document.querySelectorAll(\"#chat [data-testid='bot']\");"
                           " return b.length && b[b.length - 1].innerText.includes('按『核对引用』处理'); }",
                           timeout=WAIT_MS)
