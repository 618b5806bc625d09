"""`assistant serve [--host 127.0.0.1] [--port 7860] [--auth USER:PASS]`: the local web UI.

Binds 127.0.0.1 by default. Any other address needs a login (--auth or ASSISTANT_UI_AUTH): otherwise the
command refuses to start, so internal documents are never exposed to the office network by accident."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from assistant.cli.app import app, fail
from assistant.errors import AssistantError


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option("--host", help="监听地址；默认 127.0.0.1（仅本机可访问）")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="端口")] = 7860,
    auth: Annotated[str | None, typer.Option(
        "--auth", help="登录凭据 用户名:密码（也可用环境变量 ASSISTANT_UI_AUTH）；绑定本机以外的地址时必须设置")] = None,
    no_embed: Annotated[bool, typer.Option("--no-embed", help="上传到知识库的文件只建关键词索引，不在后台生成向量")] = False,
) -> None:
    """启动网页界面（起草、检查、引用核查、知识库）。"""
    from assistant.ui.app import AUTH_ENV, check_bind, parse_auth

    try:
        credentials = parse_auth(auth if auth is not None else os.environ.get(AUTH_ENV))
        check_bind(host, credentials)  # before importing gradio: a refusal is instant
        from assistant.ui.app import launch

        _, url = launch(host, port, credentials, prevent_thread_lock=True, embed_after_upload=not no_embed)
    except AssistantError as err:
        fail(err)
        return
    typer.echo(f"公文助手已启动：{url}  （按 Ctrl-C 退出）")
    if credentials:
        typer.echo(f"已启用登录，用户名：{credentials[0]}")
    import time

    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        typer.echo("已退出。")
