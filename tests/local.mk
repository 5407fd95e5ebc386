# Suites beyond the unit tests.
