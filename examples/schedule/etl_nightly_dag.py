"""The nightly etl run as an Airflow DAG (Airflow 2.x).

One task, a BashOperator calling `etl run --strict`, with the etl exit codes mapped to task states:

    0  SUCCESS                      -> task success
    1  a data contract failed       -> task failed, NOT retried (the data or the contracts must change)
    2  invalid input                -> task failed, NOT retried (fix the input, config or contracts)
    3  runtime failure              -> task failed and retried (`retries`, `retry_delay`)

BashOperator turns any non-zero exit code into an AirflowException, which Airflow retries. The
EtlRunOperator below reads the exit code from that exception and raises AirflowFailException for the
codes that must not be retried. Copy this file into the DAGs folder; ETL_HOME is where etl is installed.
"""
from __future__ import annotations

import os
import re
from datetime import datetime, timedelta

from airflow import DAG
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.operators.bash import BashOperator

ETL_HOME = os.environ.get("ETL_HOME", "/srv/etl")

# etl exit code -> what the task does. Anything not listed (e.g. a signal) is retried.
EXIT_CODE_STATES = {
    0: "success",
    1: "failed_no_retry",  # a data contract failed (--strict): nothing was published
    2: "failed_no_retry",  # invalid input: bad contract, config, source file or usage
    3: "retry",  # runtime failure: engine, disk, I/O
}
NO_RETRY_EXIT_CODES = frozenset(code for code, state in EXIT_CODE_STATES.items() if state == "failed_no_retry")

_EXIT_CODE = re.compile(r"exit code (\d+)")


def exit_code_of(error: BaseException) -> int | None:
    """The exit code BashOperator reports in its exception ("... non-zero exit code 2.")."""
    match = _EXIT_CODE.search(str(error))
    return int(match.group(1)) if match else None


class EtlRunOperator(BashOperator):
    """BashOperator whose failure is retried only when the etl exit code says it may help (3)."""

    def execute(self, context):
        try:
            return super().execute(context)
        except AirflowException as error:
            code = exit_code_of(error)
            if code in NO_RETRY_EXIT_CODES:
                raise AirflowFailException(f"etl run exited {code} ({EXIT_CODE_STATES[code]}): not retried") from error
            raise


with DAG(
    dag_id="etl_nightly",
    description="Contract-driven e-commerce pipeline, every night at 02:30 UTC",
    schedule="30 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "data",
        "retries": 2,
        "retry_delay": timedelta(minutes=15),
        "execution_timeout": timedelta(hours=4),
    },
    tags=["etl"],
) as dag:
    EtlRunOperator(
        task_id="etl_run",
        cwd=ETL_HOME,
        # {{ ds }}: the run's logical date is the business date, so a re-run of an old day is the same run.
        bash_command=(
            "./node_modules/.bin/etl run --strict --as-of {{ ds }}"
            " --data data --out output --reports reports --log-format json"
        ),
        # ETL_WEBHOOK_TOKEN etc. for the alerts: from the worker's environment (append_env keeps PATH).
        env={"ETL_WEBHOOK_TOKEN": os.environ.get("ETL_WEBHOOK_TOKEN", "")},
        append_env=True,
    )
