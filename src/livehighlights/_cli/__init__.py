"""The command-line interface (private: use the library API from Python)."""
