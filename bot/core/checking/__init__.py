"""The answer checker: grades choice, numeric and free-text answers like a careful interviewer."""
