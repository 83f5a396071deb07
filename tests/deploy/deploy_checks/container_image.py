"""The Dockerfile read as stages, and the requirements lock it builds from."""

from __future__ import annotations

import re
from typing import Any

from .tools import REPO


def dockerfile_stages(text: str) -> list[dict[str, Any]]:
    """Stages of a Dockerfile: base, name, instructions (keyword, arguments), heredoc files by
    destination and ENV values (BuildKit heredocs and line continuations understood)."""
    stages: list[dict[str, Any]] = []
    lines = iter(text.splitlines())
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        while line.endswith("\\"):
            line = line[:-1] + " " + next(lines).strip()
        keyword, _, args = line.strip().partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            base, _, name = args.partition(" AS ")
            stages.append(
                {
                    "from": base.strip(),
                    "as": name.strip(),
                    "instructions": [],
                    "files": {},
                    "env": {},
                }
            )
            continue
        stage = stages[-1]
        stage["instructions"].append((keyword, args))
        heredoc = re.search(r"<<-?'?(\w+)'?\s+(\S+)\s*$", args)
        if heredoc:
            body = []
            for body_line in lines:
                if body_line == heredoc.group(1):
                    break
                body.append(body_line)
            stage["files"][heredoc.group(2)] = "\n".join(body) + "\n"
        if keyword == "ENV":
            import shlex

            stage["env"].update(dict(pair.split("=", 1) for pair in shlex.split(args)))
    return stages


def runtime_stage() -> dict[str, Any]:
    return dockerfile_stages((REPO / "Dockerfile").read_text())[-1]


def lock_pins() -> dict[str, str]:
    """name (normalized) -> version of the image's requirements.lock."""
    from packaging.utils import canonicalize_name

    build = dockerfile_stages((REPO / "Dockerfile").read_text())[0]
    lock = build["files"]["/build/requirements.lock"]
    pins: dict[str, str] = {}
    for line in lock.splitlines():
        name, _, version = line.partition("==")
        pins[canonicalize_name(name)] = version
    return pins
