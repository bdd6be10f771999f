"""The ceiling: a bare Flask app answering 50 JSON rows, served by gunicorn with the same
settings as the service. No database, no templates, no sign-in: what any page could at best
reach on this machine."""
from flask import Flask, jsonify

app = Flask(__name__)
ROWS = [{"id": n, "reference": f"CEIL-2026-{n:03d}", "pseudonym": f"Adult C-{n:02d} (invented)",
         "stage": "evidence", "notification_date": "2026-01-01", "on_hold": False}
        for n in range(1, 51)]


@app.get("/rows")
def rows():
    return jsonify(ROWS)
