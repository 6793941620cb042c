"""One module per `analyst` command: its arguments (`register`) and what it does (`run`)."""
