"""The workstation's widgets: the queue, the lead detail, the session timer."""
