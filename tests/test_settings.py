"""Where data and settings come from: the XDG data dir, the environment, an explicit TOML config file; never
$HOME as the data dir, never a `.env` of the working directory. `assistant config` says where each came from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import _register, app
from assistant.errors import AssistantError, ConfigError
from assistant.services.admin import effective_config, mask_secret, safe_upload_name, safe_upload_path
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
_register()
runner = CliRunner()

_OURS = ("ASSISTANT_", "OPENAI_", "CHROMA_", "XDG_")


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a new user: HOME is an empty directory, none of our variables are set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    env.update(HOME=str(home), ASSISTANT_EMBEDDER="hash", **extra)
    return env


@pytest.fixture
def new_user(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "user"
    home.mkdir()
    for k in list(os.environ):
        if k.startswith(_OURS):
            monkeypatch.delenv(k)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home)
    return home


def test_stats_of_a_new_user_lives_under_local_share_and_nothing_else_is_written(tmp_path):
    home = tmp_path / "empty-home"
    home.mkdir()
    out = subprocess.run([sys.executable, "-m", "assistant", "stats", "--json"], cwd=home, env=clean_env(home),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    stats = json.loads(out.stdout)
    data = home / ".local" / "share" / "gongwen-assistant"
    assert stats["store"] == str(data / "store")
    assert stats["documents"] == 10  # the bundled samples, so a new install has content
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*") if not p.is_relative_to(data))
    assert written == [".local", ".local/share"], written
    assert not (home / "store").exists()


def test_xdg_data_home_is_honoured(tmp_path):
    home, xdg = tmp_path / "h", tmp_path / "xdg"
    home.mkdir()
    out = subprocess.run([sys.executable, "-m", "assistant", "config", "--json"], cwd=home,
                         env=clean_env(home, XDG_DATA_HOME=str(xdg)), capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["data_dir"] == str(xdg / "gongwen-assistant")


def test_home_variable_never_becomes_the_data_dir(new_user):
    s = Settings()
    assert s.home == new_user / ".local" / "share" / "gongwen-assistant"
    assert Settings(home=new_user / "x").home == new_user / "x"  # code may still pass it by name


def test_empty_assistant_home_means_unset(new_user, monkeypatch):
    monkeypatch.setenv("ASSISTANT_HOME", "")
    assert Settings().home == new_user / ".local" / "share" / "gongwen-assistant"


def test_a_dotenv_in_the_working_directory_is_ignored(new_user):
    (new_user / ".env").write_text("OPENAI_BASE_URL=http://evil.example:8000/v1\nASSISTANT_HOME=/tmp/elsewhere\n",
                                   encoding="utf-8")
    s = Settings()
    assert s.llm_base_url is None
    assert s.home == new_user / ".local" / "share" / "gongwen-assistant"


def test_config_file_is_read_and_the_environment_wins(new_user, monkeypatch):
    cfg = new_user / ".config" / "gongwen-assistant" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('llm_base_url = "http://127.0.0.1:9/v1"\nllm_timeout = 7\nllm_api_key = "sk-1234567890abcd"\n'
                   'home = "/srv/gongwen"\n', encoding="utf-8")
    s = Settings()
    assert (s.llm_base_url, s.llm_timeout, s.home) == ("http://127.0.0.1:9/v1", 7.0, Path("/srv/gongwen"))
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "3")
    assert Settings().llm_timeout == 3.0

    report = effective_config(Settings())
    by_name = {e["name"]: e for e in report["settings"]}
    assert report["config_file"] == str(cfg) and report["config_file_exists"]
    assert by_name["llm_timeout"]["source"] == "env" and by_name["llm_timeout"]["origin"] == "ASSISTANT_LLM_TIMEOUT"
    assert by_name["llm_base_url"]["source"] == "config" and by_name["llm_base_url"]["origin"] == str(cfg)
    assert by_name["llm_model"]["source"] == "default"
    assert by_name["llm_api_key"]["value"] == "sk-…abcd"


def test_assistant_config_points_at_another_file(new_user, monkeypatch):
    cfg = new_user / "office.toml"
    cfg.write_text('ASSISTANT_LLM_MODEL = "qwen2.5"\n', encoding="utf-8")  # the variable names work too
    monkeypatch.setenv("ASSISTANT_CONFIG", str(cfg))
    assert Settings().llm_model == "qwen2.5"


@pytest.mark.parametrize(("content", "message"), [
    (None, "找不到配置文件"),
    ("llm_timeout = \n", "无法读取"),
    ('llm_tiemout = 3\n', "未知的设置项：llm_tiemout"),
])
def test_a_broken_config_file_is_a_clear_error(new_user, monkeypatch, content, message):
    cfg = new_user / "broken.toml"
    if content is not None:
        cfg.write_text(content, encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match=message):
        Settings()
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_config_command_masks_the_key_and_names_sources(new_user, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value-0042")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0, result.output
    assert "sk-secret-value-0042" not in result.output
    assert "sk-…0042" in result.output
    assert "llm_base_url = http://127.0.0.1:8000/v1    ← 环境变量 OPENAI_BASE_URL" in result.output
    data = json.loads(runner.invoke(app, ["config", "--json"]).stdout)
    assert "sk-secret-value-0042" not in json.dumps(data)
    assert {e["source"] for e in data["settings"]} == {"env", "default"}


def test_mask_secret():
    assert mask_secret(None) is None
    assert mask_secret("short") == "****"
    assert mask_secret("sk-abcdefghijklmnop") == "sk-…mnop"


# --- upload names -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd", "C:\\Users\\x\\报告.docx", "a\x00b.txt",
    "..", ".", "", "   ", "x" * 300 + ".docx", "报" * 300 + ".pdf", "CON", "con.txt", "LPT1.docx", "aux",
    "a/../../b.txt", "\u202etxt.exe", "name\nwith\nlines.txt", "..../....//x",
])
def test_upload_names_cannot_leave_the_uploads_dir(tmp_path, name):
    home = tmp_path / "home"
    path = safe_upload_path(home, name)
    uploads = (home / "uploads").resolve()
    assert path.parent == uploads
    assert len(path.name.encode("utf-8")) <= 200
    assert "\x00" not in path.name and "\n" not in path.name and "/" not in path.name
    assert path.name.split(".")[0].upper() not in ("CON", "PRN", "AUX", "NUL", "LPT1", "COM1")
    path.write_bytes(b"ok")  # a real file system accepts the name
    assert path.read_bytes() == b"ok"


def test_upload_names_keep_what_the_user_recognises():
    assert safe_upload_name("2023年法治政府建设报告.docx") == "2023年法治政府建设报告.docx"
    assert safe_upload_name("../../报告.pdf") == "报告.pdf"
    assert safe_upload_name("con.txt") == "_con.txt"
    long = safe_upload_name("报" * 300 + ".pdf")
    assert long.endswith(".pdf") and long.startswith("报报")


def test_a_symlink_planted_in_uploads_is_refused(tmp_path):
    home = tmp_path / "home"
    (home / "uploads").mkdir(parents=True)
    (home / "uploads" / "trap.txt").symlink_to(tmp_path / "outside.txt")
    with pytest.raises(AssistantError, match="不安全"):
        safe_upload_path(home, "trap.txt")
