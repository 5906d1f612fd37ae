ALTER TABLE "dataset_items" ADD COLUMN "item_id" uuid NOT NULL;--> statement-breakpoint
ALTER TABLE "dataset_items" ADD COLUMN "removed_version" integer;--> statement-breakpoint
CREATE INDEX "dataset_items_dataset_item_idx" ON "dataset_items" USING btree ("dataset_id","item_id");