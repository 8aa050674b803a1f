"""Problems: the Severity scale, Problem, every exception (errors.py) and the registry of problem codes (codes.py)."""

from .codes import CODES, GROUPS, Code, Severity, code_tables, remedy
from .errors import ConfigError, DataError, FetchError, GateFailed, InitError, Problem, PublishError, SchoolfinderError

__all__ = ["CODES", "GROUPS", "Code", "ConfigError", "DataError", "FetchError", "GateFailed", "InitError", "Problem", "PublishError",
           "SchoolfinderError", "Severity", "code_tables", "remedy"]
