"""An engine process caps its own memory when it starts (the pool re-divides it later)."""

from __future__ import annotations


def limit_memory(ceiling: int) -> None:
    """Cap private writable memory (`RLIMIT_DATA`: the heap and anonymous maps). Not the address
    space (`RLIMIT_AS`): thread stacks and malloc arenas reserve ~800 MB of it before any query
    while using ~60 MB. Soft limit only: the parent re-divides it with prlimit when it runs more
    engines at once. Nothing on platforms without `resource`."""
    if ceiling <= 0:
        return
    try:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        resource.setrlimit(
            resource.RLIMIT_DATA, (ceiling if hard == resource.RLIM_INFINITY else min(ceiling, hard), hard)
        )
    except (ImportError, AttributeError, ValueError, OSError):
        pass
