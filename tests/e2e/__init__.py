"""End-to-end tests: a package, so the stack they share stops when they are done."""
