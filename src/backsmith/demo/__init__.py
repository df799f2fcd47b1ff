"""The demo: a spec shipped with backsmith (`taskboard.yaml`) and the runner that serves it."""
