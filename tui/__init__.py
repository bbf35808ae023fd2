"""callq's screen and command line. No SQL here: everything goes through ``models``."""
