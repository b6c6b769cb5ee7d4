"""Every notice yinsi sends, by whom it is for.

- ``to_people``: one thing told to many people on their own direct channels (an incident, a shutdown);
- ``announcements``: a policy change, announced to every active account and listed in the public feed;
- ``to_staff``: a new request waiting in the queue, and the requests about to be overdue;
- ``to_recipients``: a recipient told to delete or correct what it was given (a transactional outbox).

Each is a class wired once in ``bootstrap``; all of them send through the ``Notifier`` and never log an
address or a message's text.
"""
