"""Background jobs: a queue of tasks kept in PostgreSQL (procrastinate), run by `flask --app wsgi worker`.

On the embedded SQLite default there is no queue: imports run in a thread of the web process, as before.
"""
