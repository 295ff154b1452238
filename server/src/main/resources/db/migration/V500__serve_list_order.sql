-- serve: the PokeAPI-compatible lists page through one endpoint's live documents in upstream order (numeric ids as
-- numbers). This index holds exactly that order, so ?limit=L&offset=O reads O+L index entries instead of sorting the
-- whole endpoint on every request, and the count reads only the index.
CREATE INDEX pokeapi_resources_list_order_idx ON pokeapi_resources
    (resource_type, (CASE WHEN resource_key ~ '^-?[0-9]{1,18}$' THEN resource_key::bigint END), resource_key)
    INCLUDE (name)
    WHERE deleted_at IS NULL;
