"""prospective-toolkit: YAML foresight studies -> print-ready workshop kits."""

__version__ = "0.1.0"
