"""Helpers the test suites share: real servers and processes on free loopback ports."""
