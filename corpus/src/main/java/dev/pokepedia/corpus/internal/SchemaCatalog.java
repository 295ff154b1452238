package dev.pokepedia.corpus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.pokepedia.corpus.DocumentId;
import dev.pokepedia.corpus.DocumentValidator;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot's own {@code data/schema/v2} JSON Schemas, validated with networknt json-schema-validator. Schemas
 * reference each other by absolute path ({@code /schema/v2/named_api_resource.json}); we serve them under a private
 * base URI so those references resolve inside the snapshot and nothing is fetched from the network.
 */
public final class SchemaCatalog implements DocumentValidator {

    private static final Logger log = LoggerFactory.getLogger(SchemaCatalog.class);
    private static final String BASE = "https://schemas.pokepedia.invalid";
    private static final int MAX_REASONS = 5;

    private final ObjectMapper mapper;
    private final Map<String, String> texts = new ConcurrentHashMap<>();
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();
    private final Set<String> warnedMissing = ConcurrentHashMap.newKeySet();
    private volatile JsonSchemaFactory factory;

    public SchemaCatalog(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void add(String schemaPath, String shownPath, byte[] bytes) {
        try {
            JsonNode tree = mapper.readTree(bytes);
            if (tree instanceof ObjectNode o) {
                // why: upstream declares "http://json-schema.org/schema#", which validators do not know; the
                // schemas are draft-4 style, which is what the factory below applies
                o.remove("$schema");
            }
            texts.put(BASE + schemaPath, mapper.writeValueAsString(tree));
        } catch (IOException e) {
            log.warn("Ignoring unreadable schema {}: {}", shownPath, e.getMessage());
        }
    }

    public boolean isEmpty() {
        return texts.isEmpty();
    }

    @Override
    public List<String> validate(DocumentId id, JsonNode document) {
        String path = switch (id.type()) {
            case DocumentId.ENCOUNTERS -> "/schema/v2/pokemon/$id/encounters/index.json";
            case DocumentId.META -> "/schema/v2/meta/index.json";
            default -> "/schema/v2/" + id.type() + "/$id/index.json";
        };
        String uri = BASE + path;
        if (!texts.containsKey(uri)) {
            if (warnedMissing.add(id.type())) {
                log.warn("No JSON Schema for '{}' in the snapshot ({}); its documents are not validated", id.type(), path);
            }
            return List.of();
        }
        JsonSchema schema = compiled.computeIfAbsent(uri, u -> factory().getSchema(SchemaLocation.of(u)));
        Set<ValidationMessage> messages = schema.validate(document);
        return messages.stream().limit(MAX_REASONS).map(ValidationMessage::getMessage).toList();
    }

    private JsonSchemaFactory factory() {
        if (factory == null) {
            synchronized (this) {
                if (factory == null) {
                    factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4,
                            b -> b.schemaLoaders(l -> l.schemas(Map.copyOf(texts))));
                }
            }
        }
        return factory;
    }
}
