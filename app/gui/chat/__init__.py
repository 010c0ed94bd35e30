"""The chat pane: the conversation list, the messages and the composer."""
