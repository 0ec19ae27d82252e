"""Broadcasts: `service` (who may send what to whom, sending, acknowledgements, the delivery report) and
`history` (the sender's list of broadcasts, scheduled ones first)."""
