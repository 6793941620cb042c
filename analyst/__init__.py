"""The top layer: the `analyst` command (analyst/cli.py) and the terminal app (analyst/tui/). Its
surface is the command line (DESIGN §7), not a Python API: nothing here is meant to be imported
by the layers below, or by anyone else."""

__all__: list[str] = []
