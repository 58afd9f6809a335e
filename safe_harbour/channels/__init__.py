"""Input channels of the assistant: REST and socket.io for the family widget, and the web pages.

Both message channels hand every incoming message to one function, `incoming.prepare_message`, before
anything else sees it, and send every reply through one function, `outgoing.client_message`.
"""
