"""Home Assistant tests of Ezlo hubs against the MMS cloud, hub and relay simulators."""
