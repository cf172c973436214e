"""Imported first by ``d2l_utils/__init__.py``: raise ``EnvironmentProblem`` with the route
that works before MXNet is imported on a machine it cannot run on (see platforms.py)."""

from .platforms import require_supported_platform

require_supported_platform()
