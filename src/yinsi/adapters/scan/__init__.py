"""Where ``yinsi scan`` reads values from: databases (SQLite, PostgreSQL) and files."""
