"""Built in its own issue; registered now so URLs, navigation and import contracts exist."""
