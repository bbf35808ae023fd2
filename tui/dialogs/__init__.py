"""Modal dialogs: each a ``ModalScreen[T]`` that ``dismiss()``es its result."""
