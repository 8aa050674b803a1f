"""Production settings: pelicanconf.py plus the delta for a public deploy."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

# Set SITEURL to the public address to get absolute canonical links; relative URLs keep working without it.
SITEURL = os.environ.get("SCHOOLFINDER_SITEURL", "")
RELATIVE_URLS = not SITEURL
