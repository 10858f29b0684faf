"""The use cases, one per command: read through a backend, check, compute, write, and
return an outcome the CLI renders. The shell around the pure stages.

May import: every package but `cli`.
"""
