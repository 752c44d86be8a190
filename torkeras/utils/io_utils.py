"""I/O helpers: Keras's overwrite prompt."""


def ask_to_proceed_with_overwrite(filepath):
    """Ask the user whether to overwrite ``filepath``; True for yes."""
    overwrite = input("[WARNING] %s already exists - overwrite? [y/n]" % (filepath,)).strip().lower()
    while overwrite not in ("y", "n"):
        overwrite = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if overwrite == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True
