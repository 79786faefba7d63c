"""Runs dlt's rest_api_source for the conformance harness (conformance/run-conformance.ts).

A long-lived worker, so dlt is imported once: it reads one JSON job per line on stdin and answers
one JSON line per job on its original stdout. Everything dlt prints goes to stderr.

A job:
    {"id": 1, "config": {...}, "source": {...}, "env": {...}, "pipeline_name": "...",
     "dataset_name": "...", "duckdb_file": "...", "pipelines_dir": "..."}

- `config` is the scenario's rest_api_source config as JSON. A string that is exactly
  `{secrets.<path>}` is replaced by `dlt.secrets["<path>"]`, as a user writes it in Python.
- `source` holds rest_api_source keyword arguments (`max_table_nesting`, ...): Tributary's
  `source` block.
- `env` is set in os.environ for this job only (secrets, credentials), as a user exports them.

The answer: {"id": 1, "ok": true} or {"id": 1, "ok": false, "error": "<type>: <message>"}.
The first line the worker writes is {"ready": true, "dlt": "<version>", "duckdb": "<version>"}.
"""

import gc
import json
import os
import sys
import traceback

# The protocol uses the original stdout; whatever dlt or its libraries print goes to stderr.
_protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)
sys.stdout = sys.stderr

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("RUNTIME__LOG_LEVEL", "WARNING")

import dlt  # noqa: E402
import duckdb  # noqa: E402
from dlt.sources.rest_api import rest_api_source  # noqa: E402

SECRET_PREFIX = "{secrets."


def answer(message):
    _protocol.write(json.dumps(message) + "\n")
    _protocol.flush()


def resolve_secrets(value):
    """`"{secrets.a.b}"` -> dlt.secrets["a.b"], everywhere in the config."""
    if isinstance(value, dict):
        return {key: resolve_secrets(item) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_secrets(item) for item in value]
    if isinstance(value, str) and value.startswith(SECRET_PREFIX) and value.endswith("}"):
        return dlt.secrets[value[len(SECRET_PREFIX) : -1]]
    return value


def run_job(job):
    config = resolve_secrets(job["config"])
    source = rest_api_source(config, **job.get("source", {}))
    pipeline = dlt.pipeline(
        pipeline_name=job["pipeline_name"],
        destination=dlt.destinations.duckdb(job["duckdb_file"]),
        dataset_name=job["dataset_name"],
        pipelines_dir=job["pipelines_dir"],
    )
    try:
        pipeline.run(source)
    finally:
        # Release the DuckDB file so the harness can open it.
        del pipeline
        gc.collect()


def main():
    answer({"ready": True, "dlt": dlt.__version__, "duckdb": duckdb.__version__})
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        env = job.get("env", {})
        saved = {name: os.environ.get(name) for name in env}
        os.environ.update(env)
        try:
            run_job(job)
            answer({"id": job["id"], "ok": True})
        except Exception as error:  # noqa: BLE001 - every failure is an outcome to compare
            traceback.print_exc(file=sys.stderr)
            root = error
            # dlt wraps step failures (PipelineStepFailed); the cause says what went wrong.
            while root.__cause__ is not None or root.__context__ is not None:
                root = root.__cause__ or root.__context__
            answer(
                {
                    "id": job["id"],
                    "ok": False,
                    "error": f"{type(error).__name__}: {error}".splitlines()[0][:500],
                    "cause": f"{type(root).__name__}: {root}".splitlines()[0][:500],
                }
            )
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


if __name__ == "__main__":
    main()
