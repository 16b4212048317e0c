"""Helpers of one chapter each: small experiments, tables and figures.

Each module's docstring names the chapter it serves. They import the library, the data and
the estimators, never the course tools.
"""
