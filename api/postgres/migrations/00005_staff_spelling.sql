-- A staff member's name in letters (pinyin or an English name, lower case,
-- single spaces), matched against letters a caller keys on the telephone
-- keypad to ask for the person by name. Empty: not offered by name.

-- +goose Up
ALTER TABLE staff ADD COLUMN spelling text NOT NULL DEFAULT ''
	CHECK (spelling ~ '^([a-z]+( [a-z]+)*)?$' AND length(spelling) <= 64);

-- +goose Down
ALTER TABLE staff DROP COLUMN spelling;
