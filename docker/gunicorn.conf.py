# This file is part of Device Retail for Tryton.  The COPYRIGHT file at the
# top level of this repository contains the full copyright notices and
# license terms.
"""gunicorn settings of the trytond web service (docker/Dockerfile)."""
import multiprocessing

bind = '0.0.0.0:8000'
# trytond is CPU bound in Python: one process per core, plus one.
workers = multiprocessing.cpu_count() + 1
# Long reports and large imports (10,000 IMEIs) must not be cut short.
timeout = 300
# trytond.application loads the Pool at import: load it once per worker.
preload_app = False
accesslog = '-'
