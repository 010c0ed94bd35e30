"""The chat feature: answering in a conversation, with or without the documents.

`service` runs a turn (prompt, model, sources, quotes); `prompt` builds what the
model reads; `presets` are the assistants; `storage` keeps the conversations;
`export` writes them out; `translation` puts a question into the library's
other language before searching.
"""
