"""``python -m ui``: the same as the ``cdassess`` command (the window without arguments)."""

from ui.entry import run

if __name__ == "__main__":
    run()
