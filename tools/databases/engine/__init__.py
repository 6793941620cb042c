"""Engines in processes of their own, which analyst can interrupt, kill and cap in memory.

An engine that runs inside analyst can be abandoned at its time limit but not stopped: DuckDB and
SQLite notice an interrupt only between chunks of work, and one function call over one huge value
is one chunk. So an engine's connection lives in a process forked from a clean fork server
(`zygote.py`), spoken to over a pipe (`wire.py`), waited on with a deadline and killed after a
grace (`process.py`), several per database with a shared memory cap (`pool.py`). Each engine
package supplies the process's own loop (the `target` a spec names).
"""
