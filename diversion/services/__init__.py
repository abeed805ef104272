"""Use cases shared by pages, the API and the CLI. They change rows, write the audit trail and flush;
they never commit (one commit per request or command, made by the caller)."""
