"""Pure domain: requests, responses, JSON documents, error decoding. No Qt, no httpx, no I/O."""
