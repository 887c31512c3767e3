#!/usr/bin/env bash
# Serves Tashil for the demo: the web server and the huey worker side by side. Ctrl-C stops both.
set -euo pipefail
BIN=${BIN:-.venv/bin}
PORT=${PORT:-8000}
export DJANGO_DEBUG=${DJANGO_DEBUG:-1}
# No SMTP server on a laptop: print emails (password reset, notices) in this terminal instead.
export EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}

"$BIN/python" manage.py run_huey --quiet &
worker=$!
"$BIN/python" manage.py runserver "127.0.0.1:$PORT" &
web=$!
stop() { kill "$worker" "$web" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop INT TERM EXIT
echo "Tashil: http://127.0.0.1:$PORT  (worker pid $worker, web pid $web; Ctrl-C stops both)"
# Whichever stops first (a crash, or Ctrl-C) takes the other down with it.
wait -n "$worker" "$web"
