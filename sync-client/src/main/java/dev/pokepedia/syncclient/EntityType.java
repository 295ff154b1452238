package dev.pokepedia.syncclient;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One registered entity type.
 *
 * @param name          the type name, as on the wire (e.g. {@code players})
 * @param idField       the payload field holding the entity's string id (usually {@code id})
 * @param parentType    the type this one references, pushed before it (empty when none)
 * @param parentField   the payload field holding the parent's id (empty when none)
 * @param withRelations an aggregate (e.g. games with their players/events): its payload is one unit, never split
 */
public record EntityType(String name, String idField, Optional<String> parentType, Optional<String> parentField,
                         boolean withRelations) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    public EntityType {
        Objects.requireNonNull(parentType, "parentType");
        Objects.requireNonNull(parentField, "parentField");
        if (name == null || !NAME.matcher(name).matches()) {
            throw SyncClientException.badInput("entity type name '" + name + "' must match " + NAME.pattern());
        }
        if (idField == null || !FIELD.matcher(idField).matches()) {
            throw SyncClientException.badInput("id field '" + idField + "' of type " + name + " must match " + FIELD.pattern());
        }
        if (parentType.isPresent() != parentField.isPresent()) {
            throw SyncClientException.badInput("type " + name + ": give both parentType and parentField, or neither");
        }
        parentField.ifPresent(f -> {
            if (!FIELD.matcher(f).matches()) {
                throw SyncClientException.badInput("parent field '" + f + "' of type " + name + " must match " + FIELD.pattern());
            }
        });
    }

    /** A plain type with a string {@code id}. */
    public static EntityType of(String name) {
        return new EntityType(name, "id", Optional.empty(), Optional.empty(), false);
    }

    /** A type whose payload field {@code parentField} holds the id of a {@code parentType} entity. */
    public static EntityType child(String name, String parentType, String parentField) {
        return new EntityType(name, "id", Optional.of(parentType), Optional.of(parentField), false);
    }

    /** An aggregate saved and pushed as one unit (e.g. a game with its players, events and assessments). */
    public static EntityType aggregate(String name) {
        return new EntityType(name, "id", Optional.empty(), Optional.empty(), true);
    }
}
