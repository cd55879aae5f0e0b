"""``python -m cdassess.cli``: the command line without the window (the engine never imports ui)."""

from cdassess.cli import run

if __name__ == "__main__":
    run()
