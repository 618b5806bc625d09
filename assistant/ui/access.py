"""Who may reach the UI: 127.0.0.1 by default, any other address only with a login."""

from __future__ import annotations

import os

from assistant.errors import ConfigError

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
AUTH_ENV = "ASSISTANT_UI_AUTH"


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """`USER:PASS` → (user, pass); None/empty → None. The password may contain colons."""
    if value is None or not value.strip():
        return None
    user, sep, password = value.strip().partition(":")
    if not sep or not user or not password:
        raise ConfigError("登录凭据格式不对，应为“用户名:密码”（--auth 或环境变量 ASSISTANT_UI_AUTH）",
                          hint="例如 --auth zhangsan:一个足够长的密码")
    return user, password


def is_local_host(host: str) -> bool:
    return host.strip().lower() in LOCAL_HOSTS


def check_bind(host: str, auth: tuple[str, str] | None) -> None:
    """Binding beyond this machine exposes internal documents to the network: only with a login."""
    if not host or not host.strip():
        raise ConfigError("监听地址不能为空", hint="默认 127.0.0.1（仅本机访问）")
    if not is_local_host(host) and auth is None:
        raise ConfigError(
            f"拒绝在 {host} 上启动：绑定本机以外的地址会让局域网内其他人访问到内部文件，必须先设置登录凭据",
            hint="加 --auth 用户名:密码（或设置环境变量 ASSISTANT_UI_AUTH），或改用默认的 --host 127.0.0.1",
        )


def _quiet_environment() -> None:
    # Before gradio is imported: no analytics / version check / hub telemetry leaves the machine.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

