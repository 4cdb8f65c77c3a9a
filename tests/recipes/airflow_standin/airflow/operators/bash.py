"""Airflow 2's home of BashOperator, in the stand-in."""

from airflow import require_airflow
from airflow._tasks import BashOperator

require_airflow("2", __name__)
__all__ = ["BashOperator"]
