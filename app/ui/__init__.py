"""Widgets and thin Qt models that adapt core data; ``main_window`` only wires them."""
