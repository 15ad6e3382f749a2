"""Production server settings (Procfile `web`): `gunicorn -c gunicorn.conf.py`."""

import os

from portail_famille.web.serveurs import taire_gunicorn

taire_gunicorn()

wsgi_app = "portail_famille:create_app()"
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = 4
# A deploy or a scale-down sends SIGTERM: requests under way get this long to finish.
graceful_timeout = 30
# gunicorn takes the scheme from whatever proxy is in front; how many hops the application
# believes is ProxyFix's setting (PROXY_FIX_SAUTS, securite.md H3).
forwarded_allow_ips = "*"
