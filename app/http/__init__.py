"""The only layer that knows httpx: builds wire requests, sends them, maps failures to ours."""
