"""Seminars (tọa đàm): `models` (the seminar, RSVPs, reminders), `service` (the use cases), `checkin`
(check-in at the door through the attendance rules), `feedback` (ratings afterwards)."""
