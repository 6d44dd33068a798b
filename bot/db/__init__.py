"""Storage: SQLModel tables and the async engine."""
