"""callq's data and rules: Peewee models, the database, and the domain operations.

Nothing in this package imports Textual; the screen and the command line call these functions.
"""
