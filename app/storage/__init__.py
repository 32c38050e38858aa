"""Settings and data on disk, under the folder named by ``API_EXPLORER_HOME``."""
