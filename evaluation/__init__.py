"""The evaluation: the runner (run.py) and the question sets (sets/)."""
