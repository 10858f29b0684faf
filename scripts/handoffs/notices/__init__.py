"""What to tell whom (docs/notices.md): the facts worth a notice, their stable keys, what
was already sent (the Notices tab), and the words of each message. Pure: delivery is
`backends.channels`, a run is `app.notify`.

May import: `figures`, `checks`, `model`, `config`.
"""
