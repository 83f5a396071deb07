"""Headers every API answer carries, and the embedded database kept private on disk."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from taskai import bootstrap


def test_every_api_answer_says_nosniff_and_no_store(api, alice):
    for response in [
        alice.get("/api/tasks"),
        alice.post("/api/tasks", {"title": "x"}),
        api.get("/api/tasks"),
        api.get("/api/nothing-here"),
        api.get("/api/openapi.json"),
        api.post("/api/auth/login", {"email": "a@example.com", "password": "whatever1"}),
    ]:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_sent_when_the_public_url_is_https(api, monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", "https://tasks.example")
    bootstrap.reset()
    assert api.get("/api/tasks").headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_embedded_database_folder_is_0700_and_its_files_0600(tmp_path, monkeypatch):
    from taskai.adapters.db import make_engine

    folder = tmp_path / "data"
    engine = make_engine(f"sqlite:///{folder / 'taskai.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        files = list(Path(folder).iterdir())
        assert {f.name for f in files} >= {"taskai.db", "taskai.db-wal"}
        for f in files:
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    engine.dispose()


@pytest.mark.parametrize("secret_dir", ["fresh"])
def test_the_embedded_signing_secret_is_0600_in_a_0700_folder(tmp_path, secret_dir):
    from taskai.config import embedded_secret

    folder = tmp_path / secret_dir
    embedded_secret(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "jwt-secret").stat().st_mode) == 0o600


def test_a_data_dir_below_a_file_is_a_configuration_error_naming_it(tmp_path):
    # It was a NotADirectoryError traceback at start.
    from taskai.config import ConfigurationError, embedded_secret

    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigurationError) as caught:
        embedded_secret(tmp_path / "file" / "data")
    assert f"DATA_DIR {tmp_path / 'file' / 'data'}" in caught.value.message
    assert "Not a directory" in caught.value.message


@pytest.mark.parametrize("kind", ["file", "fifo"])
def test_a_data_dir_that_is_a_file_or_a_secret_that_is_a_fifo_is_named_not_waited_on(
    tmp_path, kind
):
    # A DATA_DIR that was a file said "File exists"; a FIFO in the secret's place was read,
    # and the start waited forever.
    import os

    from taskai.config import ConfigurationError, embedded_secret

    if kind == "file":
        folder, reason = tmp_path / "data", "Not a directory"
        folder.write_text("")
    else:
        folder, reason = tmp_path, "not a regular file"
        os.mkfifo(folder / "jwt-secret")
    with pytest.raises(ConfigurationError) as caught:
        embedded_secret(folder)
    assert reason in caught.value.message
