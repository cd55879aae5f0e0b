"""cdassess: the assessment engine (no Qt). The desktop shell lives in the separate ``ui`` package."""

__version__ = "0.1.0"
