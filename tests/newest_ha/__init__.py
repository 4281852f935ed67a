"""The check against the newest Home Assistant release (requirements_newest_ha.txt).

`scripts/test` runs it with `.venv-newest-ha/bin/python -m tests.newest_ha`: a real `hass` of that
release with HubRelay and the simulated hubs, every entry loaded, states, one command per hub, and
a log free of warnings, errors and deprecation notices that name HubRelay.
"""
