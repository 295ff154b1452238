-- What each stored document was last imported from: the SHA-256 of the source entry's bytes (as read from the archive
-- or folder, before canonicalising) and the canonical hash they gave. A re-import whose entry has the same bytes, while
-- the stored document still has that canonical hash, is unchanged without parsing the JSON again (issue 18: the
-- unchanged re-import was mostly parsing). why a table of its own: the documents' table announces every write on the
-- change feed; remembering hashes must not.
CREATE TABLE pokepedia_source_hashes (
    resource_type text NOT NULL,
    resource_key  text NOT NULL,
    source_sha256 text NOT NULL,
    sha256        text NOT NULL, -- the canonical hash the source bytes gave; must equal the stored document's
    PRIMARY KEY (resource_type, resource_key)
);
