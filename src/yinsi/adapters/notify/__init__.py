"""Message senders: the console outbox for development, SMTP for e-mail, a webhook for SMS and push gateways.

Every message may carry a one-time code and every recipient is PI, so all
three share one rule: a body or an address never reaches a log line, an
exception or a repr. Errors name the channel and the reason, nothing more.
"""
