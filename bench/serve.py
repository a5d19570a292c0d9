"""Serve one application for the benchmark: `python bench/serve.py app|bare PORT INSTANCE_DIR`.

Both are served the same way (Werkzeug's threaded server, logging off), so the only
difference the benchmark sees is the work the application does.
"""
from __future__ import annotations

import logging
import sys

from werkzeug.serving import make_server


def bare_app():
    from flask import Flask

    app = Flask("bare")

    @app.route("/")
    def index():
        return "ok"

    return app


def lms_app(instance: str):
    import os

    os.environ["LMS_INSTANCE_PATH"] = instance
    from lms import create_app

    return create_app({"DEMO_MODE": True, "LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
                       "LOGIN_LIMIT_PER_IP": "100000 per minute"})


if __name__ == "__main__":
    kind, port, instance = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = bare_app() if kind == "bare" else lms_app(instance)
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()
