"""airflow.sdk of the stand-in: Airflow 3's home of DAG."""

from airflow import DAG, require_airflow

require_airflow("3", __name__)
__all__ = ["DAG"]
