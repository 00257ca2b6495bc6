"""The benchmark: the runner (run.py), the load (locustfile.py, conversations.py), the report and the floor bot."""
