-- A seminar reuses the training check-in: its check-in session is a training row linked to it (at most one).

ALTER TABLE trainings ADD COLUMN seminar_id INTEGER REFERENCES seminars(id);
CREATE UNIQUE INDEX trainings_seminar ON trainings(seminar_id) WHERE seminar_id IS NOT NULL;
