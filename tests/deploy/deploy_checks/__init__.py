"""The deployment checks, shared by every test in tests/deploy (and fed broken inputs there).

Each check returns a list of problems (empty = fine), so a test can assert both that the real
files pass and that a deliberately broken copy does not. The checks live in one module per
subject (tools, manifest_schemas, manifest_wiring, terraform_config, terraform_conventions,
container_image, checkov_scan); every public name is also here, so a test reads `dc.<name>`.
"""

# ruff: noqa: F401 (the names below are re-exported: tests read them as dc.<name>)

from __future__ import annotations

from support import need  # the suite's one skip-or-fail rule, as dc.need

from .checkov_scan import checkov_passed, checkov_problems, run_checkov
from .container_image import dockerfile_stages, lock_pins, runtime_stage
from .manifest_schemas import (
    KUBERNETES_VERSION,
    NO_SCHEMA_OFFLINE,
    SchemaBook,
    closed,
    is_core,
    kind_of,
    load_yaml_documents,
    mutated,
    name_of,
    of_kind,
    render,
    schema_problems,
)
from .manifest_wiring import (
    CONFIG_MAP,
    EMBEDDED_ONLY,
    FUNCTIONS,
    IMAGE_ENV,
    KSVC,
    SECRET,
    SECRET_SETTINGS,
    SETTINGS,
    container,
    env_value,
    route_problems,
    service_problems,
    settings_problems,
    wiring_problems,
)
from .terraform_config import (
    blocks,
    code_only,
    errors_of,
    fmt_problems,
    hcl,
    load_problems,
    locals_block,
    reference_problems,
    render_platform_templates,
    terraform,
    terraform_functions,
    unquote,
    validate_problems,
    variable_problems,
)
from .terraform_conventions import (
    FREE_FORM,
    PASSED_THROUGH,
    convention_problems,
    validation_problems,
)
from .tools import (
    GATEWAY_API,
    KNATIVE,
    OVERLAYS,
    PROVIDERS_ARCHIVE,
    PROVIDERS_PLATFORM,
    REPO,
    TERRAFORM,
    TERRAFORM_MODULES,
    TERRAFORM_ROOTS,
    TOOLS_CACHE,
    checkov_path,
    crds_dir,
    find_tool,
    gateway_api_crds_dir,
    kustomize_path,
    mirror_versions,
    provider_archive,
    provider_mirror,
    sha256_of,
    this_platform,
)
