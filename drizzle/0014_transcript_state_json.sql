-- Transcript checkpoint states are only written and read whole: json keeps their text as sent, so
-- neither the write nor the read converts it (jsonb parsed it on the way in and printed it on the way out).
ALTER TABLE "run_transcript_checkpoints" ALTER COLUMN "state" SET DATA TYPE json;