"""Airflow 3's home of BashOperator, in the stand-in."""

from airflow import require_airflow
from airflow._tasks import BashOperator

require_airflow("3", __name__)
__all__ = ["BashOperator"]
