"""SQLAlchemy rows, engines, repositories and Alembic migrations for the data store and the keystore."""
