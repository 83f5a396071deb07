"""Read custom objects (Knative, Strimzi) through the Kubernetes API with the official client."""

from __future__ import annotations

import os
from typing import Any

# (group, versions to try in order): Strimzi serves kafka.strimzi.io/v1 since 0.49 and only
# v1beta2 before; Knative has served v1 of these since 1.0 (KafkaSource stores v1beta1).
SERVING = ("serving.knative.dev", ("v1",))
SOURCES = ("sources.knative.dev", ("v1",))
STRIMZI = ("kafka.strimzi.io", ("v1", "v1beta2"))


class ClusterError(Exception):
    """The cluster cannot be asked: no or bad kubeconfig, API unreachable, credentials refused."""


class NotServed(Exception):
    """The API server does not serve a resource (its CRD is not installed)."""


class Cluster:
    """Lists and gets custom objects; raises ClusterError or NotServed, never a client error."""

    def __init__(self, api: Any, timeout_s: float = 10.0) -> None:
        self.api = api
        self.timeout_s = timeout_s

    @classmethod
    def connect(
        cls, kubeconfig: str | None = None, context: str | None = None, timeout_s: float = 10.0
    ) -> Cluster:
        """A client from `kubeconfig` (else $KUBECONFIG, ~/.kube/config) or, in a pod, its
        service account; ClusterError when neither works or the kubernetes package is missing."""
        try:
            from kubernetes import client, config
        except ImportError as e:
            raise ClusterError(
                "the kubernetes client is not installed (pip install 'taskai[ops]')"
            ) from e
        configuration = client.Configuration()
        path = kubeconfig or os.environ.get("KUBECONFIG") or "~/.kube/config"
        try:
            config.load_kube_config(
                config_file=path, context=context, client_configuration=configuration
            )
        except (config.ConfigException, OSError) as e:
            if kubeconfig or context or "KUBERNETES_SERVICE_HOST" not in os.environ:
                raise ClusterError(f"cannot use kubeconfig {path}: {e}") from e
            config.load_incluster_config(client_configuration=configuration)
        configuration.retries = 1
        return cls(client.CustomObjectsApi(client.ApiClient(configuration)), timeout_s)

    @property
    def host(self) -> str:
        """The API server URL this client talks to, or "?" when unknown."""
        return str(getattr(self.api.api_client.configuration, "host", "?"))

    def list(
        self, api: tuple[str, tuple[str, ...]], plural: str, namespace: str | None = None
    ) -> list[dict[str, Any]]:
        """Every object of `plural` in `namespace` (None: all namespaces), from the first served
        version of `api`; NotServed when none is."""
        group, versions = api
        for version in versions:
            found = self._call(
                lambda v=version: (
                    self.api.list_namespaced_custom_object(
                        group, v, namespace, plural, _request_timeout=self.timeout_s
                    )
                    if namespace
                    else self.api.list_cluster_custom_object(
                        group, v, plural, _request_timeout=self.timeout_s
                    )
                ),
                f"{plural}.{group}/{version}",
            )
            if found is not None:
                return list(found.get("items", []))
        raise NotServed(f"{plural}.{group} ({', '.join(versions)}) is not served by {self.host}")

    def _call(self, request: Any, what: str) -> dict[str, Any] | None:
        """The answer of `request()`, None on 404; ClusterError on any other failure."""
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        try:
            return dict(request())
        except ApiException as e:
            if e.status == 404:
                return None
            raise ClusterError(f"{what}: {e.status} {e.reason} from {self.host}") from e
        except (HTTPError, OSError) as e:
            raise ClusterError(f"the Kubernetes API at {self.host} is unreachable: {e}") from e
