-- The audit schema (assist/audit/tables.py) for PostgreSQL; `assist serve` creates it itself on an empty
-- database. Apply by hand only where the service account may not run DDL:
--   psql "$DATABASE" -f audit/migrations/0001_audit_schema.postgresql.sql
BEGIN;
CREATE TABLE audit_records (
	seq BIGINT NOT NULL, 
	audit_id VARCHAR(64) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	request_id VARCHAR(64), 
	customer_id VARCHAR(64), 
	intent VARCHAR(128), 
	route VARCHAR(32), 
	content TEXT NOT NULL, 
	hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (seq), 
	UNIQUE (audit_id)
);
CREATE INDEX ix_audit_records_created ON audit_records (created_at);
CREATE INDEX ix_audit_records_customer ON audit_records (customer_id, created_at);
CREATE INDEX ix_audit_records_request_id ON audit_records (request_id);
CREATE TABLE audit_chain_head (
	id SERIAL NOT NULL, 
	seq BIGINT NOT NULL, 
	hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE audit_checkpoints (
	id SERIAL NOT NULL, 
	seq BIGINT NOT NULL, 
	hash VARCHAR(64) NOT NULL, 
	audit_id VARCHAR(64) NOT NULL, 
	purged INTEGER NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	signature VARCHAR(128) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (seq)
);
CREATE TABLE audit_feedback (
	id SERIAL NOT NULL, 
	audit_id VARCHAR(64) NOT NULL, 
	target VARCHAR(128) NOT NULL, 
	outcome VARCHAR(16) NOT NULL, 
	final_text TEXT, 
	resolution VARCHAR(256), 
	key_id VARCHAR(64) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(audit_id) REFERENCES audit_records (audit_id) ON DELETE CASCADE
);
CREATE INDEX ix_audit_feedback_audit_id ON audit_feedback (audit_id);
CREATE INDEX ix_audit_feedback_outcome ON audit_feedback (outcome);
CREATE TABLE audit_review_queue (
	audit_id VARCHAR(64) NOT NULL, 
	reasons JSON NOT NULL, 
	queued_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (audit_id), 
	FOREIGN KEY(audit_id) REFERENCES audit_records (audit_id) ON DELETE CASCADE
);
CREATE INDEX ix_audit_review_queue_queued_at ON audit_review_queue (queued_at);
CREATE TABLE audit_reviews (
	id SERIAL NOT NULL, 
	audit_id VARCHAR(64) NOT NULL, 
	verdict VARCHAR(32) NOT NULL, 
	note TEXT NOT NULL, 
	reviewer VARCHAR(64) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(audit_id) REFERENCES audit_records (audit_id) ON DELETE CASCADE
);
CREATE INDEX ix_audit_reviews_audit_id ON audit_reviews (audit_id);
INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
COMMIT;
