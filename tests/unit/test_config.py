"""Settings: read from the environment, refusing what cannot run."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from taskai.config import ConfigurationError, Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_nothing_configured_is_the_embedded_mode_with_a_generated_private_secret(tmp_path):
    settings = Settings.from_env({"DATA_DIR": str(tmp_path)})
    assert settings.embedded and settings.sqlalchemy_url.startswith("sqlite:///")
    secret = tmp_path / "jwt-secret"
    assert settings.jwt_secret == secret.read_text().strip() and len(settings.jwt_secret) >= 32
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert Settings.from_env({"DATA_DIR": str(tmp_path)}).jwt_secret == settings.jwt_secret


def test_a_database_url_without_a_signing_secret_refuses_to_start():
    with pytest.raises(ConfigurationError, match="JWT_SECRET"):
        Settings.from_env({"DATABASE_URL": "postgresql://u:p@db/taskai"})


@pytest.mark.parametrize("secret", ["changeme", "secret", "too-short-for-production"])
def test_a_placeholder_or_short_secret_is_refused_outside_the_embedded_mode(secret):
    with pytest.raises(ConfigurationError):
        Settings.from_env({"DATABASE_URL": "postgresql://u:p@db/taskai", "JWT_SECRET": secret})


def test_postgres_urls_are_pinned_to_the_pg8000_driver():
    env = {"DATABASE_URL": "postgres://u:p@db:5432/taskai", "JWT_SECRET": "x" * 40}
    assert Settings.from_env(env).sqlalchemy_url == "postgresql+pg8000://u:p@db:5432/taskai"


def test_a_bad_value_names_the_variable():
    with pytest.raises(ConfigurationError, match="JWT_TTL_SECONDS"):
        Settings.from_env({"JWT_TTL_SECONDS": "forever"})


def test_every_setting_is_documented_in_the_readme():
    readme = README.read_text()
    assert [n.upper() for n in Settings.model_fields if f"`{n.upper()}`" not in readme] == []


def test_kafka_configured_without_its_client_library_is_refused_at_start(monkeypatch):
    import importlib.util

    from taskai.config import ConfigurationError, Settings

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "kafka" else real(name)
    )
    with pytest.raises(ConfigurationError, match=r"pip install 'taskai\[kafka\]'"):
        Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092", "DATA_DIR": "/tmp/x"})


def test_migrate_against_a_database_that_is_not_there_says_so_and_exits_2(monkeypatch, capsys):
    import socket

    from taskai import bootstrap, cli

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgresql://taskai:taskai@127.0.0.1:{port}/none")
    monkeypatch.setenv("JWT_SECRET", "a-signing-secret-that-is-long-enough-0123456789")
    bootstrap.reset()
    try:
        assert cli.main(["migrate"]) == 2
    finally:
        bootstrap.reset()
    err = capsys.readouterr().err
    assert err.startswith("taskai migrate: ") and "Traceback" not in err


def test_migrate_says_whether_it_migrated_and_to_which_revision(monkeypatch, capsys, tmp_path):
    # It said "the database has the newest schema" after migrating one from 0016 to 0018 too.
    from taskai import bootstrap, cli
    from taskai.adapters.migrate import newest_revision

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    bootstrap.reset()
    try:
        assert cli.main(["migrate"]) == 0
        assert cli.main(["migrate"]) == 0
    finally:
        bootstrap.reset()
    newest = newest_revision()
    assert capsys.readouterr().out.splitlines() == [
        f"taskai migrate: migrated the database from nothing to {newest}",
        f"taskai migrate: the database has the newest schema already ({newest})",
    ]


def test_the_process_environment_is_read_and_an_empty_variable_counts_as_unset(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JWT_TTL_SECONDS", "120")
    monkeypatch.setenv("DATABASE_URL", "")
    settings = Settings.from_env()
    assert settings.jwt_ttl_seconds == 120 and settings.embedded


def test_a_given_mapping_is_read_instead_of_the_process_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("JWT_TTL_SECONDS", "forever")
    assert Settings.from_env({"DATA_DIR": str(tmp_path)}).jwt_ttl_seconds == 24 * 3600


@pytest.mark.parametrize("command", ["serve", "dev"])
@pytest.mark.parametrize("option", ["--port", "--events-port"])
def test_a_port_in_use_is_named_with_its_option_and_exits_2_at_once(
    command, option, tmp_path, monkeypatch, capsys
):
    import socket

    from taskai import bootstrap, cli

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    bootstrap.reset()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        other = "--events-port" if option == "--port" else "--port"
        try:
            assert cli.main([command, option, str(port), other, "0"]) == 2
        finally:
            bootstrap.reset()
    said = capsys.readouterr().err
    assert f"127.0.0.1:{port} is in use" in said and f"choose another with {option}" in said


@pytest.mark.parametrize(
    ("host", "port", "environment", "expected"),
    [
        ("127.0.0.1", 18080, "", "http://localhost:18080"),
        ("0.0.0.0", 8080, "", "http://localhost:8080"),
        ("192.168.1.20", 9000, "", "http://192.168.1.20:9000"),
        ("fd00::1", 9000, "", "http://[fd00::1]:9000"),
        ("127.0.0.1", 0, "", None),  # the port is known only once bound
        ("127.0.0.1", 18080, "https://tasks.example.com", None),  # set: it is kept
    ],
)
def test_serve_on_another_port_names_it_in_links_unless_public_url_is_set(
    host, port, environment, expected, monkeypatch
):
    from taskai import cli

    monkeypatch.setenv("PUBLIC_URL", environment)
    assert cli.local_public_url(host, port) == expected


@pytest.mark.parametrize("command", ["serve", "dev"])
def test_an_events_port_equal_to_the_public_port_is_refused_naming_it(
    command, tmp_path, monkeypatch, capsys
):
    from taskai import bootstrap, cli

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    bootstrap.reset()
    try:
        assert cli.main([command, "--port", "18267", "--events-port", "18267"]) == 2
    finally:
        bootstrap.reset()
    assert "--events-port must differ from --port (both 18267)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "path"),
    [
        (["migrate"], "taskai.db"),
        (["backup", "{tmp}/gone/copy.db"], "gone/copy.db.partial"),
    ],
)
def test_a_file_the_command_cannot_make_or_open_is_one_line_naming_it_and_status_1(
    command, path, tmp_path, monkeypatch, capsys
):
    # They were tracebacks (IsADirectoryError, PermissionError, FileNotFoundError).
    from taskai import bootstrap, cli

    for name in ("DATABASE_URL", "JWT_SECRET", "KAFKA_BOOTSTRAP_SERVERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    if command[0] == "backup":
        bootstrap.reset()
        assert cli.main(["migrate"]) == 0
    else:
        (tmp_path / "taskai.db").mkdir()  # a folder where the database file belongs
    capsys.readouterr()
    bootstrap.reset()
    try:
        assert cli.main([part.format(tmp=tmp_path) for part in command]) == 1
    finally:
        bootstrap.reset()
    reason = "Is a directory" if command[0] == "migrate" else "No such file or directory"
    assert capsys.readouterr().err == f"taskai {command[0]}: {reason} ({tmp_path / path})\n"
