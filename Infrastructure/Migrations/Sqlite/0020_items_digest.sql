-- Item serials are seen only by their producer (README, "Who sees what"). An event that names items is hashed over the
-- SHA-256 of their canonical JSON array (itemsDigest), which the public record shows in their place, so anyone can
-- verify the chain without being shown a serial. Events recorded before keep the hash they have, over the serials
-- themselves (docs/hash-chain.md): their digest stays NULL.
ALTER TABLE events ADD COLUMN items_digest TEXT NULL;
