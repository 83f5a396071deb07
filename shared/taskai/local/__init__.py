"""Local stand-ins for what the cluster provides, used by `taskai dev` and the tests only.

Knative never runs this package and the container image leaves it out: nothing under
`functions/` imports it. `server` (`taskai serve`, gunicorn) and `devserver` (`taskai dev`, one
process) serve every function on one port, `kafka_source` stands in
for KafkaSource, `ping` for PingSource, and `bus` for Kafka itself in the embedded mode.
"""
