"""The background worker's jobs (procrastinate on PostgreSQL): alert e-mails and the hourly inactivity check."""
