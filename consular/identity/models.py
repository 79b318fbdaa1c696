"""Persons and identity documents, shared by every domain: built in issue 3."""
