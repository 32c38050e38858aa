"""The built-in demo API: a real HTTP server on 127.0.0.1 that follows the Paysera conventions."""

from app.demo.server import DemoServer

__all__ = ["DemoServer"]
