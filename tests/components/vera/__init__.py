"""Home Assistant tests of Vera controllers."""
